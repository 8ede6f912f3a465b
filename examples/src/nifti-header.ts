import { gunzipSync } from 'node:zlib';

/** NIfTI-1 `datatype` codes → names (the common ones). */
const DATATYPES: Record<number, string> = {
  2: 'uint8',
  4: 'int16',
  8: 'int32',
  16: 'float32',
  32: 'complex64',
  64: 'float64',
  128: 'rgb24',
  256: 'int8',
  512: 'uint16',
  768: 'uint32',
  1024: 'int64',
  1280: 'uint64',
};

/**
 * The main values of a NIfTI-1 header, from a gzipped (`.nii.gz`) or plain (`.nii`) file: image
 * size, voxel size, data type and description; enough to show it is a real image.
 */
export function readNiftiHeader(bytes: Uint8Array): {
  dims: number[];
  pixdim: number[];
  datatype: string;
  bitpix: number;
  description: string;
  magic: string;
} {
  const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
  const header = (gzipped ? gunzipSync(bytes) : Buffer.from(bytes)).subarray(0, 348);
  if (header.byteLength < 348)
    throw new Error('not a NIfTI-1 file: shorter than its 348-byte header');
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const rank = view.getInt16(40, true);
  const dims = Array.from({ length: rank }, (_, i) => view.getInt16(42 + i * 2, true));
  // pixdim[0] is the qfac sign; the voxel sizes follow, one per dimension.
  const pixdim = Array.from({ length: rank }, (_, i) => view.getFloat32(80 + i * 4, true));
  const code = view.getInt16(70, true);
  const text = (start: number, end: number) =>
    Buffer.from(header.subarray(start, end)).toString('latin1').replace(/\0.*$/s, '');
  return {
    dims,
    pixdim,
    datatype: DATATYPES[code] ?? `code ${code}`,
    bitpix: view.getInt16(72, true),
    description: text(148, 228),
    magic: text(344, 348),
  };
}
