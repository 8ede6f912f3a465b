/**
 * Reads a few text attributes from a DICOM Part-10 file (explicit VR little endian), enough to
 * show a zip member really is a DICOM slice.
 */
const WANTED: Record<string, string> = {
  '0008,0060': 'Modality',
  '0008,103e': 'SeriesDescription',
  '0010,0020': 'PatientID',
  '0020,0013': 'InstanceNumber',
};
const LONG_VRS = new Set(['OB', 'OW', 'OF', 'SQ', 'UT', 'UN']);

export function readDicomAttributes(bytes: Uint8Array): {
  isDicom: boolean;
  attributes: Record<string, string>;
} {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 132 || buf.toString('latin1', 128, 132) !== 'DICM')
    return { isDicom: false, attributes: {} };
  const attributes: Record<string, string> = {};
  let offset = 132;
  while (offset + 8 <= buf.length) {
    const group = buf.readUInt16LE(offset);
    const element = buf.readUInt16LE(offset + 2);
    const vr = buf.toString('latin1', offset + 4, offset + 6);
    const long = LONG_VRS.has(vr);
    const length = long ? buf.readUInt32LE(offset + 8) : buf.readUInt16LE(offset + 6);
    const start = offset + (long ? 12 : 8);
    const tag = `${group.toString(16).padStart(4, '0')},${element.toString(16).padStart(4, '0')}`;
    const name = WANTED[tag];
    if (name)
      attributes[name] = buf.toString('latin1', start, start + length).replace(/[\0 ]+$/, '');
    if (group === 0x7fe0) break; // pixel data: nothing after it we need
    offset = start + length;
  }
  return { isDicom: true, attributes };
}
