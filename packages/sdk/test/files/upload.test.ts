import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSpec } from '../../src/files/file-spec.js';
import { buildMultipartBody, type MultipartBody, type TransferProgress } from '../../src/files/upload.js';
import { installNodeFileSource } from '../../src/node/file-source.js';
import { patternBytes, readAll, sameBytes, startServer, type TestServer } from './helpers.js';

let dir: string;
let server: TestServer;
let last: { headers: Record<string, string | string[] | undefined>; body: Buffer } | undefined;

beforeAll(async () => {
  installNodeFileSource();
  dir = await mkdtemp(join(tmpdir(), 'fw-upload-'));
  server = await startServer(async (req, res) => {
    const body = await readAll(req);
    last = { headers: req.headers, body };
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ received: body.length }));
  });
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** Send the body over real HTTP, then parse what the server received with a real parser. */
async function send(mp: MultipartBody): Promise<FormData> {
  const res = await fetch(server.url + '/upload', {
    method: 'POST',
    body: mp.body,
    headers: mp.headers,
    ...(mp.duplex ? { duplex: mp.duplex } : {}),
  } as RequestInit);
  expect(res.status).toBe(200);
  expect(last).toBeDefined();
  const received = last!;
  expect(received.headers['content-type']).toBe(mp.contentType);
  if (mp.contentLength !== undefined) {
    expect(received.body.length).toBe(mp.contentLength);
    expect(received.headers['content-length']).toBe(String(mp.contentLength));
  }
  return new Response(new Uint8Array(received.body), {
    headers: { 'content-type': String(received.headers['content-type']) },
  }).formData();
}

async function fileBytes(v: FormDataEntryValue | null): Promise<Uint8Array> {
  expect(v).toBeInstanceOf(Blob);
  return new Uint8Array(await (v as Blob).arrayBuffer());
}

describe('buildMultipartBody', () => {
  it('in-memory file with metadata: metadata first, file part named "file", retryable Blob', async () => {
    const spec = new FileSpec('notes.txt', 'hello world');
    const mp = await buildMultipartBody(spec, { metadata: { type: 'text', info: { a: 1 } } });
    expect(mp.retryable).toBe(true);
    expect(mp.body).toBeInstanceOf(Blob);
    expect(mp.contentType).toMatch(/^multipart\/form-data; boundary=/);
    const form = await send(mp);
    const entries = [...form.entries()];
    expect(entries.map(([k]) => k)).toEqual(['metadata', 'file']);
    expect(JSON.parse(form.get('metadata') as string)).toEqual({ type: 'text', info: { a: 1 } });
    const file = form.get('file') as File;
    expect(file.name).toBe('notes.txt');
    expect(file.type).toBe('text/plain');
    expect(await file.text()).toBe('hello world');
  });

  it('metadata strings are sent verbatim', async () => {
    const mp = await buildMultipartBody(new FileSpec('a.bin', new Uint8Array([1])), {
      metadata: '{"modality":"MR"}',
    });
    const form = await send(mp);
    expect(form.get('metadata')).toBe('{"modality":"MR"}');
  });

  it('many files (path, bytes, stream) as repeated "file" parts, in order', async () => {
    const big = patternBytes(3 * 1024 * 1024 + 17, 7);
    const p = join(dir, 'big.dat');
    await writeFile(p, big);
    const streamed = patternBytes(200_000, 3);
    const specs = [
      new FileSpec(p),
      new FileSpec('raw.json', '{"x":1}'),
      new FileSpec('s.nii.gz', Readable.from([streamed.subarray(0, 70_000), streamed.subarray(70_000)])),
    ];
    const progress: TransferProgress[] = [];
    const mp = await buildMultipartBody(specs, { onProgress: (e) => progress.push(e) });
    expect(mp.retryable).toBe(false);
    expect(mp.duplex).toBe('half');
    expect(mp.contentLength).toBeUndefined();
    const form = await send(mp);
    const files = form.getAll('file') as File[];
    expect(files.map((f) => f.name)).toEqual(['big.dat', 'raw.json', 's.nii.gz']);
    expect(files.map((f) => f.type)).toEqual([
      'application/octet-stream',
      'application/json',
      'application/gzip',
    ]);
    expect(sameBytes(await fileBytes(files[0]!), big)).toBe(true);
    expect(await files[1]!.text()).toBe('{"x":1}');
    expect(sameBytes(await fileBytes(files[2]!), streamed)).toBe(true);
    // progress counts every body byte, monotonically, total unknown for streams
    expect(progress.length).toBeGreaterThan(2);
    const loaded = progress.map((e) => e.loaded);
    expect([...loaded].sort((a, b) => a - b)).toEqual(loaded);
    expect(loaded.at(-1)).toBe(last!.body.length);
    expect(progress.every((e) => e.total === undefined)).toBe(true);
  });

  it('progress with known sizes reports total and ends at it', async () => {
    const data = patternBytes(1024 * 1024, 11);
    const progress: TransferProgress[] = [];
    const mp = await buildMultipartBody([new FileSpec('x.bin', data)], {
      metadata: { a: 1 },
      onProgress: (e) => progress.push(e),
    });
    expect(mp.contentLength).toBeGreaterThan(data.length);
    const form = await send(mp);
    expect(sameBytes(await fileBytes(form.get('file')), data)).toBe(true);
    expect(progress.at(-1)).toEqual({ loaded: mp.contentLength, total: mp.contentLength });
  });

  it('local files without progress stay a retryable Blob that can be sent twice', async () => {
    const p = join(dir, 'twice.txt');
    await writeFile(p, 'same bytes');
    const mp = await buildMultipartBody(new FileSpec(p));
    expect(mp.retryable).toBe(true);
    expect(mp.contentLength).toBe((mp.body as Blob).size);
    for (let i = 0; i < 2; i++) {
      const form = await send(mp);
      expect(await (form.get('file') as File).text()).toBe('same bytes');
    }
  });

  it('escapes quotes and newlines in filenames and field names', async () => {
    const mp = await buildMultipartBody(new FileSpec('we"ird\nname.txt', 'x'), {
      fields: { 'ex"tra': 'v' },
    });
    const form = await send(mp);
    expect((form.get('file') as File).name).toBe('we"ird\nname.txt');
    expect(form.get('ex"tra')).toBe('v');
  });

  it('a missing local file fails before anything is sent, naming the path', async () => {
    const p = join(dir, 'missing.txt');
    await expect(buildMultipartBody(new FileSpec(p))).rejects.toThrow(p);
  });
});
