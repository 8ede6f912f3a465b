/**
 * A download to a slow disk keeps the client's memory bounded: the SDK's download pipeline
 * (`iterateResponseBody` into `@fw/api/node`'s `writeChunks`, what `downloadToFile` runs) takes
 * a chunk from the socket only while the sink's buffer has room. Measured in bytes, against a
 * real `@fw/server` over a socket.
 */
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { FILE_WRITE_AHEAD, writeChunks } from '@fw/api/node';
import { FileSpec } from '../../src/node.js';
import { iterateResponseBody } from '../../src/files/download.js';
import { groupId, useServer } from '../helpers/server.js';

const MiB = 1024 * 1024;
const SIZE = 24 * MiB;
const data = new Uint8Array(SIZE).map((_, i) => (i * 13 + 5) % 251);

describe('download to a slow disk', () => {
  const ctx = useServer();
  let url: string;
  let auth: string;

  beforeAll(async () => {
    const gid = await ctx.fw.addGroup({ _id: groupId('slow'), label: 'Slow' });
    const project = await (await ctx.fw.getGroup(gid)).addProject({ label: 'Slow disk' });
    await project.uploadFile(new FileSpec('big.bin', data));
    url = `${ctx.server.url}/projects/${project.id}/files/big.bin`;
    auth = `scitran-user ${ctx.server.apiKey.slice(ctx.server.apiKey.lastIndexOf(':') + 1)}`;
  });

  it('reads at most the sink buffer plus a chunk ahead of the disk, and writes every byte', async () => {
    const raw = await fetch(url, { headers: { Authorization: auth } });
    expect(raw.status).toBe(200);
    // count what the pipeline takes from the socket (this wrapper queues nothing itself)
    let pulled = 0;
    const reader = raw.body!.getReader();
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          const { done, value } = await reader.read();
          if (done) return controller.close();
          pulled += value.byteLength;
          controller.enqueue(value);
        },
      },
      { highWaterMark: 0 },
    );
    const response = new Response(body, { headers: raw.headers });

    let written = 0;
    let maxAhead = 0;
    const parts: Buffer[] = [];
    const slowDisk = new Writable({
      highWaterMark: FILE_WRITE_AHEAD, // the buffer downloadToFile's file sink has
      write(chunk: Buffer, _enc, cb) {
        maxAhead = Math.max(maxAhead, pulled - written);
        setTimeout(() => {
          parts.push(chunk);
          written += chunk.length;
          cb();
        }, 3); // 3 ms per write: a disk far slower than the loopback socket
      },
    });
    const progress: number[] = [];
    const bytes = await writeChunks(
      iterateResponseBody(response, { onProgress: (p) => progress.push(p.loaded) }),
      slowDisk,
    );
    expect(bytes).toBe(SIZE);
    expect(Buffer.concat(parts).equals(Buffer.from(data))).toBe(true);
    expect(progress.at(-1)).toBe(SIZE);
    expect(maxAhead).toBeGreaterThan(0);
    // the whole 24 MiB would be ahead if the pipeline did not wait for the disk
    expect(maxAhead).toBeLessThanOrEqual(FILE_WRITE_AHEAD + MiB);
  });
});
