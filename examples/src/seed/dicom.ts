/**
 * Writes minimal DICOM Part-10 files (explicit VR little endian): the 128-byte preamble, `DICM`,
 * a file meta group, a handful of patient/series attributes and a tiny 16-bit pixel matrix.
 * Enough for a zipped "series" that looks and lists like the real thing.
 */
interface Element {
  group: number;
  element: number;
  vr: string;
  value: Buffer;
}

const LONG_VRS = new Set(['OB', 'OW', 'OF', 'SQ', 'UT', 'UN']);

function text(group: number, element: number, vr: string, value: string): Element {
  let bytes = Buffer.from(value, 'latin1');
  if (bytes.length % 2 === 1) bytes = Buffer.concat([bytes, Buffer.from(vr === 'UI' ? '\0' : ' ')]);
  return { group, element, vr, value: bytes };
}

function us(group: number, element: number, value: number): Element {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(value);
  return { group, element, vr: 'US', value: b };
}

function encode(el: Element): Buffer {
  const long = LONG_VRS.has(el.vr);
  const head = Buffer.alloc(long ? 12 : 8);
  head.writeUInt16LE(el.group, 0);
  head.writeUInt16LE(el.element, 2);
  head.write(el.vr, 4, 'latin1');
  if (long) head.writeUInt32LE(el.value.length, 8);
  else head.writeUInt16LE(el.value.length, 6);
  return Buffer.concat([head, el.value]);
}

export interface DicomSlice {
  patientName: string;
  patientId: string;
  studyDate: string; // YYYYMMDD
  seriesDescription: string;
  modality: string;
  studyUid: string;
  seriesUid: string;
  instanceNumber: number;
  rows: number;
  columns: number;
  pixel: (row: number, column: number) => number;
}

export function dicomSlice(slice: DicomSlice): Uint8Array {
  const sopUid = `${slice.seriesUid}.${slice.instanceNumber}`;
  const body: Element[] = [
    text(0x0008, 0x0016, 'UI', '1.2.840.10008.5.1.4.1.1.4'),
    text(0x0008, 0x0018, 'UI', sopUid),
    text(0x0008, 0x0020, 'DA', slice.studyDate),
    text(0x0008, 0x0060, 'CS', slice.modality),
    text(0x0008, 0x103e, 'LO', slice.seriesDescription),
    text(0x0010, 0x0010, 'PN', slice.patientName),
    text(0x0010, 0x0020, 'LO', slice.patientId),
    text(0x0020, 0x000d, 'UI', slice.studyUid),
    text(0x0020, 0x000e, 'UI', slice.seriesUid),
    text(0x0020, 0x0013, 'IS', String(slice.instanceNumber)),
    us(0x0028, 0x0002, 1),
    text(0x0028, 0x0004, 'CS', 'MONOCHROME2'),
    us(0x0028, 0x0010, slice.rows),
    us(0x0028, 0x0011, slice.columns),
    us(0x0028, 0x0100, 16),
    us(0x0028, 0x0101, 12),
    us(0x0028, 0x0102, 11),
    us(0x0028, 0x0103, 0),
  ];
  const pixels = Buffer.alloc(slice.rows * slice.columns * 2);
  for (let r = 0; r < slice.rows; r++)
    for (let c = 0; c < slice.columns; c++)
      pixels.writeUInt16LE(
        Math.max(0, Math.min(4095, Math.round(slice.pixel(r, c)))),
        (r * slice.columns + c) * 2,
      );
  body.push({ group: 0x7fe0, element: 0x0010, vr: 'OW', value: pixels });

  const metaElements: Element[] = [
    { group: 0x0002, element: 0x0001, vr: 'OB', value: Buffer.from([0, 1]) },
    text(0x0002, 0x0002, 'UI', '1.2.840.10008.5.1.4.1.1.4'),
    text(0x0002, 0x0003, 'UI', sopUid),
    text(0x0002, 0x0010, 'UI', '1.2.840.10008.1.2.1'),
  ];
  const meta = Buffer.concat(metaElements.map(encode));
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(meta.length);
  return Buffer.concat([
    Buffer.alloc(128),
    Buffer.from('DICM', 'latin1'),
    encode({ group: 0x0002, element: 0x0000, vr: 'UL', value: groupLength }),
    meta,
    ...body.map(encode),
  ]);
}
