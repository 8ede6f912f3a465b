/**
 * A download keeps the client's memory bounded: `downloadToFile` has written every chunk to its
 * temp file before it takes the next from the socket, and the Writable pipeline
 * (`iterateResponseBody` into `@fw/api/node`'s `writeChunks`) takes a chunk only while a slow
 * sink's buffer has room. Measured in bytes, against a real `@fw/server` over a socket.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { FILE_WRITE_AHEAD, writeChunks } from '@fw/api/node';
import { downloadToFile, FileSpec } from '../../src/node.js';
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

  /** The response's body, counting in `pulled` the bytes taken from the socket so far. */
  async function counted(): Promise<{
    response: Response;
    pulled: () => number;
    largestChunk: () => number;
  }> {
    const raw = await fetch(url, { headers: { Authorization: auth } });
    expect(raw.status).toBe(200);
    let pulled = 0;
    let largest = 0;
    const reader = raw.body!.getReader();
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          const { done, value } = await reader.read();
          if (done) return controller.close();
          pulled += value.byteLength;
          largest = Math.max(largest, value.byteLength);
          controller.enqueue(value);
        },
      },
      { highWaterMark: 0 },
    );
    return {
      response: new Response(body, { headers: raw.headers }),
      pulled: () => pulled,
      largestChunk: () => largest,
    };
  }

  it('downloadToFile has every byte it took on disk before it takes more', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-slowdisk-'));
    try {
      const { response, pulled, largestChunk } = await counted();
      let maxAhead = 0;
      let checks = 0;
      const result = await downloadToFile(response, join(dir, 'big.bin'), {
        onProgress: () => {
          // the temp file, while the download runs: what it holds against what was read
          const temp = readdirSync(dir).find((name) => name.endsWith('.fwdownload'));
          if (!temp) return;
          checks++;
          maxAhead = Math.max(maxAhead, pulled() - statSync(join(dir, temp)).size);
        },
      });
      expect(result.bytes).toBe(SIZE);
      expect(readFileSync(result.path).equals(Buffer.from(data))).toBe(true);
      expect(checks).toBeGreaterThan(1);
      // at most the chunk in hand: nothing queues between the socket and the disk
      expect(maxAhead).toBeLessThanOrEqual(largestChunk());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads at most the sink buffer plus a chunk ahead of the disk, and writes every byte', async () => {
    const { response, pulled } = await counted();
    let written = 0;
    let maxAhead = 0;
    const parts: Buffer[] = [];
    const slowDisk = new Writable({
      highWaterMark: FILE_WRITE_AHEAD, // a 1 MiB buffer, as a file sink would have
      write(chunk: Buffer, _enc, cb) {
        maxAhead = Math.max(maxAhead, pulled() - written);
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
