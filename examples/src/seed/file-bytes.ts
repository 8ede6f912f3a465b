import type { FilePlan } from './site-plan.ts';
import { zipMembers } from './zip.ts';

/** The bytes a planned file is uploaded with (zips are built deterministically, so equal every time). */
export async function planFileBytes(file: FilePlan): Promise<Uint8Array> {
  if (file.bytes) return file.bytes;
  if (file.zipMembers)
    return zipMembers(file.zipMembers, `${file.name}: ${file.zipMembers.length} slices`);
  throw new Error(`file plan ${file.name} has neither bytes nor zip members`);
}

/** Content type sent with each planned file type. */
export const CONTENT_TYPES: Record<FilePlan['type'], string> = {
  nifti: 'application/octet-stream',
  dicom: 'application/zip',
};
