/**
 * v21 files over a real socket against `@fw/server` started with `signedUrls: true`: the
 * signed-URL upload flow on the wire, versions and restore by `file_id`, and what a failed byte
 * upload leaves behind (nothing).
 */
import { mkdtempSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { ApiConnectionError } from '@fw/api';
import { Acquisition, Analysis, Client, FileEntry, FileSpec } from '../../src/node.js';
import { groupId, useServer } from '../helpers/server.js';

interface WireLine {
  method: string;
  body?: string;
  url: URL;
  auth: string | null;
  status?: number;
  json?: unknown;
}

/** A Node client whose fetch records every request (and JSON answers) before the real socket. */
function recordingClient(apiKey: string, fail?: (req: Request, n: number) => boolean) {
  const wire: WireLine[] = [];
  let n = 0;
  const fw = new Client(apiKey, {
    fetch: async (req) => {
      const line: WireLine = {
        method: req.method,
        url: new URL(req.url),
        auth: req.headers.get('authorization'),
      };
      if (req.method === 'POST' && line.url.searchParams.has('ticket'))
        line.body = await req.clone().text();
      wire.push(line);
      n += 1;
      if (fail?.(req, n)) {
        await req.body?.cancel();
        throw new TypeError('fetch failed (injected: connection reset)');
      }
      const res = await fetch(req);
      line.status = res.status;
      if (res.headers.get('content-type')?.includes('json')) line.json = await res.clone().json();
      return res;
    },
  });
  return { fw, wire };
}

const storageLines = (wire: WireLine[]) => wire.filter((l) => l.url.pathname.includes('/storage/'));

describe('signed-URL uploads and file versions (server with signedUrls: true)', () => {
  const ctx = useServer({ signedUrls: true, uploadPartSize: 1024 });
  let acquisition: Acquisition;
  let dir: string;
  const blobCount = () =>
    readdirSync(join(ctx.server.dataDir, 'blobs')).filter((f) => !f.startsWith('.')).length;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fw-sdk-signed-'));
    // the hierarchy through the generated calls only (the container helpers are not under test here)
    const gid = await ctx.fw.addGroup({ _id: groupId('signed'), label: 'Signed' });
    const project = await ctx.fw.addProject({ group: gid, label: 'Signed' } as never);
    const subject = await ctx.fw.addSubject({ project, code: 's1' } as never);
    const session = await ctx.fw.addSession({
      project,
      subject: { _id: subject },
      label: 'ses',
    } as never);
    acquisition = await ctx.fw.getAcquisition(
      await ctx.fw.addAcquisition({ session, label: 'acq' } as never),
    );
  });

  it('uploadFile runs the signed flow: POST …/files?ticket=, PUT to /storage/ without Authorization, POST …/files?ticket=T; returns the saved FileEntry', async () => {
    const { fw, wire } = recordingClient(ctx.server.apiKey);
    const acq = await fw.getAcquisition(acquisition.id);
    const [file, ...rest] = await acq.uploadFile(new FileSpec('scan.txt', 'version one'), {
      metadata: { tags: ['signed'], info: { v: 1 } },
    });
    expect(rest).toEqual([]);
    const path = `/api/acquisitions/${acquisition.id}/files`;
    const calls = wire
      .filter((l) => !l.url.pathname.endsWith('/auth/status'))
      .map(
        (l) =>
          `${l.method} ${l.url.pathname.includes('/storage/') ? '/storage/…' : l.url.pathname}${l.url.pathname.includes('/storage/') ? '' : l.url.search}`,
      );
    const ticket = (wire.find((l) => l.url.search === '?ticket=')!.json as { ticket: string })
      .ticket;
    expect(calls).toEqual([
      `GET /api/acquisitions/${acquisition.id}`,
      'GET /api/config',
      `POST ${path}?ticket=`,
      'PUT /storage/…',
      `POST ${path}?ticket=${ticket}`,
    ]);
    expect(storageLines(wire).map((l) => l.auth)).toEqual([null]);
    expect(wire.filter((l) => l.url.pathname.startsWith('/api/')).every((l) => l.auth)).toBe(true);
    expect(file).toBeInstanceOf(FileEntry);
    expect(file).toMatchObject({
      name: 'scan.txt',
      version: 1,
      size: 11,
      tags: ['signed'],
      info: { v: 1 },
      parent_ref: { type: 'acquisition', id: acquisition.id },
    });
    expect(file!.file_id).toBeTypeOf('string');
    expect(file!.parent).toBe(acq);
    expect(new TextDecoder().decode(await file!.read())).toBe('version one');
  });

  it('a second upload of the name is version 2; file.getVersions() (GET /files/{file_id}/versions) lists both as FileEntry objects', async () => {
    const [v2] = await acquisition.uploadFile(new FileSpec('scan.txt', 'version two!'));
    expect(v2).toMatchObject({ name: 'scan.txt', version: 2 });
    const versions = await v2!.getVersions();
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    expect(versions.every((v) => v instanceof FileEntry && v.file_id === v2!.file_id)).toBe(true);
    expect(versions.map((v) => v.size)).toEqual([11, 12]);
    // each version reads its own bytes (download with ?version=N)
    expect(new TextDecoder().decode(await versions[0]!.read())).toBe('version one');
    expect(new TextDecoder().decode(await versions[1]!.read())).toBe('version two!');
  });

  it('file.reload() is GET /files/{file_id}?version=N; fw.getFile(fileId, { version }) returns a FileEntry', async () => {
    const latest = (await acquisition.reload()).files!.find((f) => f.name === 'scan.txt')!;
    expect(latest.version).toBe(2);
    const again = await latest.reload();
    expect(again).toBeInstanceOf(FileEntry);
    expect(again).toMatchObject({ file_id: latest.file_id, version: 2 });
    const v1 = await ctx.fw.getFile(latest.file_id, { version: 1 });
    expect(v1).toBeInstanceOf(FileEntry);
    expect(v1).toMatchObject({ version: 1, name: 'scan.txt', size: 11 });
    // no parent object: it is fetched from parent_ref on first use
    expect(v1.ref()).toEqual({ type: 'acquisition', id: acquisition.id, name: 'scan.txt' });
    expect((await v1.getParent()).id).toBe(acquisition.id);
  });

  it('file.restore(1) (POST /files/{file_id}/restore?version=1) makes version 3 with version 1’s content', async () => {
    const v1 = await ctx.fw.getFile(
      (await (await acquisition.reload()).getFile('scan.txt'))!.file_id,
      {
        version: 1,
      },
    );
    const restored = await v1.restore(1);
    expect(restored).toBeInstanceOf(FileEntry);
    expect(restored).toMatchObject({ version: 3, restored_from: 1, size: 11 });
    expect(new TextDecoder().decode(await acquisition.readFile('scan.txt'))).toBe('version one');
  });

  it('a local file above the part size goes up in several PUTs (ETags, upload_id) and is saved whole', async () => {
    const { fw, wire } = recordingClient(ctx.server.apiKey);
    const local = join(dir, 'big.bin');
    const data = Buffer.alloc(2500);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 251;
    writeFileSync(local, data);
    const progress: number[] = [];
    const [big] = await fw.uploadFileToAcquisition(acquisition.id, local, {
      onProgress: (p) => progress.push(p.loaded),
    });
    const puts = storageLines(wire);
    expect(puts.length).toBe(3);
    expect(puts.every((p) => p.auth === null && p.method === 'PUT')).toBe(true);
    expect(big).toBeInstanceOf(FileEntry);
    expect(big).toMatchObject({ name: 'big.bin', size: 2500 });
    expect(progress[progress.length - 1]).toBe(2500);
    expect(Buffer.from(await big!.read()).equals(data)).toBe(true);
  });

  it('analysis.uploadOutput runs the signed flow too (metadata as a one-element list) and returns FileEntry[]', async () => {
    const { fw, wire } = recordingClient(ctx.server.apiKey);
    const id = (await fw.addSessionAnalysis(acquisition.parents.session!, {
      label: 'outputs',
      inputs: [],
    } as never)) as unknown as string;
    // the Analysis object built here: wrapping get_analysis answers is the other layer's
    const raw = await fw.getAnalysis(typeof id === 'string' ? id : (id as { _id: string })._id);
    const analysis = raw instanceof Analysis ? raw : new Analysis(fw, raw as object);
    const saved = await analysis.uploadOutput(
      [new FileSpec('out.csv', 'a,b\n1,2\n'), new FileSpec('log.txt', 'ok')],
      { metadata: [{ tags: ['result'] }, { tags: ['log'] }] },
    );
    expect(saved.map((f) => [f.name, f.tags])).toEqual([
      ['out.csv', ['result']],
      ['log.txt', ['log']],
    ]);
    expect(saved.every((f) => f instanceof FileEntry && f.parent === analysis)).toBe(true);
    expect(storageLines(wire).map((l) => [l.method, l.auth])).toEqual([
      ['PUT', null],
      ['PUT', null],
    ]);
    const creates = wire.filter((l) => l.url.search === '?ticket=');
    expect(creates.map((c) => JSON.parse(c.body!).metadata)).toEqual([
      [{ tags: ['result'], name: 'out.csv', size: 8 }],
      [{ tags: ['log'], name: 'log.txt', size: 2 }],
    ]);
  });

  /** Close a ticket again, as its creator, to see whether the server still holds it. */
  const closeAgain = (ticket: string) =>
    fetch(`${ctx.server.url}/acquisitions/${acquisition.id}/files?ticket=${ticket}`, {
      method: 'POST',
      headers: { Authorization: `scitran-user ${ctx.server.apiKey.split(':').pop()}` },
    });
  const ticketOf = (wire: WireLine[]) =>
    (wire.find((l) => l.url.search === '?ticket=')!.json as { ticket: string }).ticket;
  const failed: { stream?: string; parts?: string; blobsBefore?: number } = {};

  it('a failing byte upload (stream errors mid-PUT): the SDK closes the ticket (POST …/files?ticket=T answers 400), no file and no blob is saved', async () => {
    const { fw, wire } = recordingClient(ctx.server.apiKey);
    const before = blobCount();
    async function* broken() {
      yield 'first chunk ';
      throw new Error('disk read failed');
    }
    await expect(
      fw.uploadFileToAcquisition(acquisition.id, new FileSpec('broken.txt', broken())),
    ).rejects.toThrow();
    const ticket = (failed.stream = ticketOf(wire));
    const closes = wire.filter((l) => l.url.searchParams.get('ticket') === ticket);
    expect(closes).toHaveLength(1);
    expect(closes[0]!.status).toBe(400);
    const acq = await ctx.fw.getAcquisition(acquisition.id);
    expect(acq.files!.map((f) => f.name)).not.toContain('broken.txt');
    expect(blobCount()).toBe(before);
  });

  it('a failing part PUT of a multipart upload: the SDK closes the ticket without parts (400), no file is saved', async () => {
    let puts = 0;
    const { fw, wire } = recordingClient(ctx.server.apiKey, (req) => {
      if (req.method === 'PUT' && new URL(req.url).pathname.includes('/storage/')) puts += 1;
      return req.method === 'PUT' && puts === 2;
    });
    failed.blobsBefore = blobCount();
    const local = join(dir, 'parts.bin');
    writeFileSync(local, Buffer.alloc(2500, 1));
    await expect(fw.uploadFileToAcquisition(acquisition.id, local)).rejects.toThrow(
      /connection reset/,
    );
    const ticket = (failed.parts = ticketOf(wire));
    const closes = wire.filter((l) => l.url.searchParams.get('ticket') === ticket);
    expect(closes).toHaveLength(1);
    expect(closes[0]!.body).toBe(''); // no e_tags: nothing can be assembled
    expect(closes[0]!.status).toBe(400);
    const acq = await ctx.fw.getAcquisition(acquisition.id);
    expect(acq.files!.map((f) => f.name)).not.toContain('parts.bin');
    expect(existsSync(local)).toBe(true);
  });

  // A close refused for a missing file or part drops the ticket with the blobs that did arrive.
  it('after the failed closes no ticket is open (a second close answers 404) and no part blob is left', async () => {
    expect((await closeAgain(failed.stream!)).status).toBe(404);
    expect((await closeAgain(failed.parts!)).status).toBe(404);
    expect(blobCount()).toBe(failed.blobsBefore);
  });
  it('a storage host that cannot be reached: ApiConnectionError naming the PUT (no signed query), the ticket closed, nothing saved', async () => {
    // a port that was just free: connecting to it is refused on the real socket
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const before = blobCount();
    const wire: { url: URL; status: number }[] = [];
    const fw = new Client(ctx.server.apiKey, {
      fetch: async (req) => {
        const url = new URL(req.url);
        if (req.method === 'PUT' && url.pathname.includes('/storage/')) {
          url.host = `127.0.0.1:${closed}`;
          return fetch(new Request(url, req));
        }
        const res = await fetch(req);
        wire.push({ url, status: res.status });
        return res;
      },
    });
    const local = join(dir, 'unreachable.bin');
    writeFileSync(local, Buffer.alloc(2500, 3)); // three parts: signed URLs with a query
    const err = await fw.uploadFileToAcquisition(acquisition.id, local).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiConnectionError);
    const e = err as ApiConnectionError;
    expect(e.method).toBe('PUT');
    expect(e.code).toBe('ECONNREFUSED');
    // named by the ticket's storage URL (host and path), the refused connection as the reason
    const storage = new URL(ctx.server.url).origin;
    expect(e.url.startsWith(`${storage}/`)).toBe(true);
    expect(e.url).toContain('/storage/');
    expect(e.message.startsWith(`PUT ${e.url} (part 1 of 3) failed: `)).toBe(true);
    expect(e.message).toContain(`ECONNREFUSED 127.0.0.1:${closed}`);
    expect(e.message).toContain('The file was not saved');
    expect(e.message).not.toMatch(/uploadId=|partNumber=/); // the signed query stays out
    const ticket = wire.find((l) => l.url.searchParams.get('ticket'))!.url.searchParams;
    const closes = wire.filter(
      (l) =>
        l.url.searchParams.get('ticket') === ticket.get('ticket') && ticket.get('ticket') !== '',
    );
    expect(closes.map((l) => l.status)).toEqual([400]);
    const acq = await ctx.fw.getAcquisition(acquisition.id);
    expect(acq.files!.map((f) => f.name)).not.toContain('unreachable.bin');
    expect(blobCount()).toBe(before);
  });
});
