import { gunzipSync } from 'node:zlib';

/** The image size and description from a gzipped NIfTI-1 file: enough to show it is a real image. */
export function readNiftiHeader(gz: Uint8Array): {
  dims: number[];
  description: string;
  magic: string;
} {
  const header = gunzipSync(gz).subarray(0, 348);
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const rank = view.getInt16(40, true);
  const dims = Array.from({ length: rank }, (_, i) => view.getInt16(42 + i * 2, true));
  const text = (start: number, end: number) =>
    Buffer.from(header.subarray(start, end)).toString('latin1').replace(/\0.*$/s, '');
  return { dims, description: text(148, 228), magic: text(344, 348) };
}
