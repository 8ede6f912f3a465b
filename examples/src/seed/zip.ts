import yazl from 'yazl';

/** Fixed member time, so the archive bytes are the same on every run. */
const MEMBER_TIME = new Date(Date.UTC(2024, 0, 1, 12, 0, 0));

/** Zip the members in memory (deflated, fixed timestamps): a DICOM series as scanners export it. */
export function zipMembers(
  members: readonly { path: string; bytes: Uint8Array }[],
  comment?: string,
): Promise<Uint8Array> {
  const zip = new yazl.ZipFile();
  for (const member of members) {
    zip.addBuffer(Buffer.from(member.bytes), member.path, { mtime: MEMBER_TIME, compress: true });
  }
  zip.end({ comment: comment ?? '', forceZip64Format: false });
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
  });
}
