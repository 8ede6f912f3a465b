/** Test files for the transfer benchmark: written and hashed as streams, never held in memory. */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';

export interface Digests {
  size: number;
  sha256: string;
  /** The server's file hash form: `v0-sha384-<hex>`. */
  flywheelHash: string;
}

/** Write `mib` MiB of random-ish bytes (1 MiB random block, varied per block) to `path`. */
export async function writeRandomFile(path: string, mib: number): Promise<Digests> {
  const out = createWriteStream(path);
  const sha256 = createHash('sha256');
  const sha384 = createHash('sha384');
  const block = randomBytes(1024 * 1024);
  for (let i = 0; i < mib; i++) {
    block.writeUInt32LE(i, 0); // no two blocks alike
    sha256.update(block);
    sha384.update(block);
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return {
    size: mib * 1024 * 1024,
    sha256: sha256.digest('hex'),
    flywheelHash: `v0-sha384-${sha384.digest('hex')}`,
  };
}

/** Size and hashes of a file on disk, read as a stream. */
export async function hashFile(path: string): Promise<Digests> {
  const sha256 = createHash('sha256');
  const sha384 = createHash('sha384');
  let size = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    size += chunk.length;
    sha256.update(chunk);
    sha384.update(chunk);
  }
  return { size, sha256: sha256.digest('hex'), flywheelHash: `v0-sha384-${sha384.digest('hex')}` };
}
