/** Flywheel file `type` from the file name (longest matching suffix wins). */
const SUFFIXES: Record<string, string[]> = {
  bval: ['.bval', '.bvals'],
  bvec: ['.bvec', '.bvecs'],
  dicom: ['.dcm', '.dicom', '.dcm.zip', '.dicom.zip'],
  parrec: ['.parrec.zip', '.par-rec.zip'],
  gephysio: ['.gephysio.zip'],
  'MATLAB data': ['.mat'],
  'MGH data': ['.mgh', '.mgz', '.mgh.gz'],
  nifti: ['.nii', '.nii.gz'],
  pfile: ['.7', '.7.gz', '.7.zip'],
  'PsychoPy data': ['.psydat', '.psydata'],
  qa: ['.qa.png', '.qa.json', '.qa.html'],
  archive: ['.zip', '.tar', '.tar.gz', '.tgz', '.tar.bz2', '.tbz', '.tbz2', '.tar.xz', '.txz'],
  document: ['.doc', '.docx'],
  image: ['.jpg', '.jpeg', '.png', '.gif', '.bmp', '.tif', '.tiff'],
  markup: ['.html', '.htm', '.xml'],
  markdown: ['.md', '.markdown'],
  log: ['.log'],
  pdf: ['.pdf'],
  presentation: ['.ppt', '.pptx'],
  'source code': [
    '.c',
    '.cpp',
    '.py',
    '.js',
    '.m',
    '.java',
    '.php',
    '.css',
    '.json',
    '.toml',
    '.yaml',
    '.yml',
  ],
  spreadsheet: ['.xls', '.xlsx'],
  'tabular data': ['.csv', '.csv.gz', '.tsv'],
  text: ['.txt'],
  video: ['.mpeg', '.mpg', '.mov', '.mp4', '.m4v', '.mts'],
  audio: ['.mp3', '.wav'],
};

const TABLE = Object.entries(SUFFIXES)
  .flatMap(([type, exts]) => exts.map((ext) => ({ ext, type })))
  .sort((a, b) => b.ext.length - a.ext.length);

export function guessFileType(name: string): string | null {
  const lower = name.toLowerCase();
  return TABLE.find((e) => lower.endsWith(e.ext))?.type ?? null;
}
