import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BlobError, createBlobStore } from '../../src/storage/index.js';
import { readAll, tempDir } from './helpers.js';

const sha384 = (b: Buffer) => `v0-sha384-${createHash('sha384').update(b).digest('hex')}`;

describe('blob store', () => {
  it('writes from Node, web and async-iterable sources and reads back', async () => {
    const store = createBlobStore({ dataDir: tempDir() });
    const data = Buffer.from('hello blob world');
    const a = await store.write(Readable.from([data.subarray(0, 5), data.subarray(5)]));
    const b = await store.write(new Blob([data]).stream());
    const c = await store.write(
      (async function* () {
        yield data;
      })(),
    );
    for (const info of [a, b, c]) {
      expect(info.size).toBe(data.length);
      expect(info.hash).toBe(sha384(data));
      expect(await readAll(await store.open(info.id))).toEqual(data);
      expect(readFileSync(store.path(info.id))).toEqual(data);
    }
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    expect(readdirSync(store.dir).sort()).toEqual([a.id, b.id, c.id].sort());
  });

  it('opens an inclusive byte range', async () => {
    const store = createBlobStore({ dataDir: tempDir() });
    const { id } = await store.write(Readable.from([Buffer.from('0123456789')]));
    expect((await readAll(await store.open(id, { start: 2, end: 4 }))).toString()).toBe('234');
    expect(await store.stat(id)).toEqual({ size: 10 });
  });

  it('removes blobs; missing blobs answer 404, malformed ids 400', async () => {
    const store = createBlobStore({ dataDir: tempDir() });
    const { id } = await store.write(Readable.from([Buffer.from('x')]));
    await store.remove(id);
    await store.remove(id); // idempotent
    expect(await store.stat(id)).toBeNull();
    await expect(store.open(id)).rejects.toMatchObject({ status: 404 });
    expect(() => store.path('../etc/passwd')).toThrow(BlobError);
    await expect(store.open('../../x')).rejects.toMatchObject({ status: 400 });
  });

  it('enforces the size limit with 413 and leaves nothing behind', async () => {
    const store = createBlobStore({ dataDir: tempDir(), maxSize: 8 });
    await expect(
      store.write(Readable.from([Buffer.from('12345'), Buffer.from('6789')])),
    ).rejects.toMatchObject({
      status: 413,
    });
    expect(readdirSync(store.dir)).toEqual([]);
    // Per-write override.
    const ok = await store.write(Readable.from([Buffer.from('123456789')]), { maxSize: 9 });
    expect(ok.size).toBe(9);
  });

  it('removes the temp file when the source fails midway', async () => {
    const store = createBlobStore({ dataDir: tempDir() });
    const failing = new Readable({ read() {} });
    failing.push(Buffer.alloc(1024, 1));
    setImmediate(() => failing.destroy(new Error('client went away')));
    await expect(store.write(failing)).rejects.toThrow('client went away');
    expect(readdirSync(store.dir)).toEqual([]);
  });

  it('reports a source that failed before the temp file was open, leaving nothing behind', async () => {
    const store = createBlobStore({ dataDir: tempDir() });
    const failed = new Readable({ read() {} });
    failed.destroy(new Error('failed early'));
    await expect(store.write(failed)).rejects.toThrow('failed early');
    expect(readdirSync(store.dir)).toEqual([]);
  });

  it('removes the temp file on abort', async () => {
    const store = createBlobStore({ dataDir: tempDir() });
    const ctrl = new AbortController();
    const never = new Readable({ read() {} });
    never.push(Buffer.alloc(10));
    setImmediate(() => ctrl.abort());
    await expect(store.write(never, { signal: ctrl.signal })).rejects.toThrow(/abort/i);
    expect(readdirSync(store.dir)).toEqual([]);
  });
});
