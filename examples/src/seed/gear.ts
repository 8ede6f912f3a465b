/**
 * The gear the demo site registers: a DICOM-to-NIfTI converter manifest. There is no execution
 * engine in the local server, so the seeder drives its jobs' states by hand.
 */
export const DEMO_GEAR = {
  category: 'converter',
  // v21 gear documents carry the exchange record (where the image came from).
  exchange: {
    'git-commit': '0000000000000000000000000000000000000000',
    'rootfs-hash': 'sha384:0000',
    'rootfs-url': 'docker://flywheel/dcm2niix:1.4.2',
  },
  gear: {
    name: 'dcm2niix',
    label: 'DICOM to NIfTI converter',
    version: '1.4.2',
    author: 'Flywheel Demo Lab',
    description: 'Converts a zipped DICOM series into a compressed NIfTI image.',
    license: 'MIT',
    source: 'https://github.com/rordenlab/dcm2niix',
    url: 'https://github.com/rordenlab/dcm2niix',
    inputs: {
      dicom: { base: 'file', description: 'Zipped DICOM series', type: { enum: ['dicom'] } },
    },
    config: {
      compress: { type: 'boolean', default: true, description: 'Write .nii.gz' },
      merge_slices: {
        type: 'boolean',
        default: false,
        description: 'Merge 2D slices from the same series',
      },
    },
  },
} as const;

/** Log lines the seeded jobs carry, so `getLogs()` has something to show. */
export const FAILED_JOB_LOG = [
  { fd: 1, msg: 'Found 4 DICOM slices in rfMRI_REST_AP\n' },
  { fd: 2, msg: 'Error: slices have inconsistent ImagePositionPatient; cannot stack volume\n' },
];
export const COMPLETED_JOB_LOG = [
  { fd: 1, msg: 'Found 4 DICOM slices in rfMRI_REST_AP\n' },
  { fd: 1, msg: 'Wrote rfMRI_REST_AP.nii.gz\n' },
];
