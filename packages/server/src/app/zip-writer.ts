import { crc32 } from 'node:zlib';
import type { Readable } from 'node:stream';

/**
 * A streaming ZIP writer (stored entries, no compression, no ZIP64): local headers carry
 * data descriptors, so the CRC and sizes follow each member's bytes and nothing is buffered.
 */
export interface ZipSource {
  name: string;
  open: () => Promise<Readable>;
}

const MAX = 0xffffffff;

function dosTime(d: Date): { time: number; date: number } {
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

export async function* zipStream(
  entries: ZipSource[],
  when = new Date(),
): AsyncGenerator<Uint8Array> {
  const { time, date } = dosTime(when);
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0808, 6); // data descriptor + UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt16LE(name.length, 26);
    const headerAt = offset;
    yield local;
    yield name;
    offset += 30 + name.length;
    let crc = 0;
    let size = 0;
    for await (const chunk of await e.open()) {
      const b = chunk as Buffer;
      crc = crc32(b, crc);
      size += b.length;
      if (size > MAX) throw new Error('zip member too large');
      yield b;
    }
    offset += size;
    const desc = Buffer.alloc(16);
    desc.writeUInt32LE(0x08074b50, 0);
    desc.writeUInt32LE(crc >>> 0, 4);
    desc.writeUInt32LE(size, 8);
    desc.writeUInt32LE(size, 12);
    yield desc;
    offset += 16;
    if (offset > MAX) throw new Error('zip too large');
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0x0808, 8);
    cd.writeUInt16LE(0, 10);
    cd.writeUInt16LE(time, 12);
    cd.writeUInt16LE(date, 14);
    cd.writeUInt32LE(crc >>> 0, 16);
    cd.writeUInt32LE(size, 20);
    cd.writeUInt32LE(size, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(headerAt, 42);
    central.push(cd, name);
  }
  const cdBytes = Buffer.concat(central);
  yield cdBytes;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  yield end;
}
