/**
 * Lists the regular files in a tar archive (ustar, with pax `path` records), so the examples can
 * show what `downloadTar` wrote without a tar dependency.
 */
export interface TarEntry {
  path: string;
  size: number;
}

const BLOCK = 512;

function text(block: Uint8Array, start: number, length: number): string {
  const raw = Buffer.from(block.subarray(start, start + length)).toString('utf8');
  const end = raw.indexOf('\0');
  return end === -1 ? raw : raw.slice(0, end);
}

function paxPath(records: string): string | undefined {
  // Each record is "<length> key=value\n".
  for (const line of records.split('\n')) {
    const match = /^\d+ path=(.*)$/.exec(line);
    if (match) return match[1];
  }
  return undefined;
}

export function listTar(archive: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let nextPath: string | undefined;
  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break; // end-of-archive marker
    const size = parseInt(text(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] ?? 0);
    const body = archive.subarray(offset + BLOCK, offset + BLOCK + size);
    if (type === 'x') nextPath = paxPath(Buffer.from(body).toString('utf8'));
    else if (type === '0' || type === '\0') {
      const prefix = text(header, 345, 155);
      const name = text(header, 0, 100);
      entries.push({ path: nextPath ?? (prefix ? `${prefix}/${name}` : name), size });
      nextPath = undefined;
    }
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return entries;
}
