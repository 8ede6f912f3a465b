import yazl from 'yazl';

/** Zip archive bytes holding `entries` (name → text), with a fixed member time and optional comment. */
export function makeZip(entries: Record<string, string>, comment?: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    for (const [name, text] of Object.entries(entries))
      zip.addBuffer(Buffer.from(text), name, { mtime: new Date(Date.UTC(2020, 0, 2, 3, 4, 6)) });
    zip.end({ comment: comment ?? '', forceZip64Format: false });
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    zip.outputStream.on('error', reject);
  });
}
