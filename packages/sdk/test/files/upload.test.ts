import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSpec } from '../../src/files/file-spec.js';
import { StreamingMultipartBody } from '@fw/api';
import {
  buildMultipartBody,
  toFetchInit,
  type TransferProgress,
  type UploadBody,
} from '../../src/files/upload.js';
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
async function send(upload: UploadBody): Promise<FormData> {
  last = undefined;
  const init = toFetchInit(upload);
  const res = await fetch(server.url + '/upload', { method: 'POST', ...init } as RequestInit);
  expect(res.status).toBe(200);
  expect(last).toBeDefined();
  const received = last!;
  const contentType = String(received.headers['content-type']);
  expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
  if (upload.total !== undefined) expect(received.body.length).toBe(upload.total);
  return new Response(new Uint8Array(received.body), {
    headers: { 'content-type': contentType },
  }).formData();
}

async function fileBytes(v: FormDataEntryValue | null): Promise<Uint8Array> {
  expect(v).toBeInstanceOf(Blob);
  return new Uint8Array(await (v as Blob).arrayBuffer());
}

describe('buildMultipartBody', () => {
  it('in-memory file with metadata: metadata first, one "file" part, retryable FormData', async () => {
    const spec = new FileSpec('notes.txt', 'hello world');
    const up = await buildMultipartBody(spec, { metadata: { type: 'text', info: { a: 1 } } });
    expect(up.retryable).toBe(true);
    expect(up.body).toBeInstanceOf(FormData);
    const form = await send(up);
    expect([...form.keys()]).toEqual(['metadata', 'file']);
    expect(JSON.parse(form.get('metadata') as string)).toEqual({ type: 'text', info: { a: 1 } });
    const file = form.get('file') as File;
    expect(file.name).toBe('notes.txt');
    expect(file.type).toBe('text/plain');
    expect(await file.text()).toBe('hello world');
  });

  it('metadata strings are sent verbatim; no metadata → no metadata part', async () => {
    const up = await buildMultipartBody(new FileSpec('a.bin', new Uint8Array([1])), {
      metadata: '{"modality":"MR"}',
    });
    expect((await send(up)).get('metadata')).toBe('{"modality":"MR"}');
    const bare = await send(
      await buildMultipartBody(new FileSpec('a.bin', 'x'), { metadata: null }),
    );
    expect([...bare.keys()]).toEqual(['file']);
  });

  it('a stream spec gives a one-shot streamed body, parts in order', async () => {
    const big = patternBytes(3 * 1024 * 1024 + 17, 7);
    const p = join(dir, 'big.dat');
    await writeFile(p, big);
    const streamed = patternBytes(200_000, 3);
    const specs = [
      new FileSpec(p),
      new FileSpec('raw.json', '{"x":1}'),
      new FileSpec(
        's.nii.gz',
        Readable.from([streamed.subarray(0, 70_000), streamed.subarray(70_000)]),
      ),
    ];
    const up = await buildMultipartBody(specs, { metadata: { a: 1 } });
    expect(up.retryable).toBe(false);
    expect(up.body).toBeInstanceOf(StreamingMultipartBody);
    const form = await send(up);
    expect([...form.keys()]).toEqual(['metadata', 'file', 'file', 'file']);
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
    // The stream was consumed: the spec cannot be sent again.
    await expect(buildMultipartBody(specs[2]!)).rejects.toThrow(/already read/);
  });

  it('progress with a stream of unknown size: counts every byte sent, total unknown', async () => {
    const p = join(dir, 'a.dat');
    const onDisk = patternBytes(1024 * 1024, 5);
    await writeFile(p, onDisk);
    const streamed = patternBytes(300_000, 9);
    const progress: TransferProgress[] = [];
    const up = await buildMultipartBody(
      [new FileSpec(p), new FileSpec('s.bin', Readable.from([streamed]))],
      { onProgress: (e) => progress.push(e) },
    );
    expect(up.total).toBeUndefined();
    const form = await send(up);
    const files = form.getAll('file') as File[];
    expect(sameBytes(await fileBytes(files[0]!), onDisk)).toBe(true);
    expect(sameBytes(await fileBytes(files[1]!), streamed)).toBe(true);
    expect(progress.length).toBeGreaterThan(2);
    const loaded = progress.map((e) => e.loaded);
    expect([...loaded].sort((a, b) => a - b)).toEqual(loaded);
    expect(loaded.at(-1)).toBe(last!.body.length);
    expect(progress.every((e) => e.total === undefined)).toBe(true);
  });

  it('progress with known sizes: total is the exact body size and the last event reaches it', async () => {
    const data = patternBytes(1024 * 1024, 11);
    const progress: TransferProgress[] = [];
    const up = await buildMultipartBody(
      [new FileSpec('x.bin', data), new FileSpec('y.txt', 'second')],
      { metadata: { a: 1 }, onProgress: (e) => progress.push(e) },
    );
    expect(up.retryable).toBe(false);
    expect(up.total).toBeGreaterThan(data.length);
    const form = await send(up);
    expect(last!.body.length).toBe(up.total);
    expect(sameBytes(await fileBytes(form.getAll('file')[0]!), data)).toBe(true);
    expect(await (form.getAll('file')[1] as File).text()).toBe('second');
    expect(progress.at(-1)).toEqual({ loaded: up.total, total: up.total });
  });

  it('local files are streamed from disk, and a new body re-reads the file', async () => {
    const p = join(dir, 'twice.txt');
    await writeFile(p, 'same bytes');
    for (let i = 0; i < 2; i++) {
      const up = await buildMultipartBody(new FileSpec(p));
      // a FormData with a file-backed Blob would be read ahead whole by Node's fetch
      expect(up.body).toBeInstanceOf(StreamingMultipartBody);
      expect(up.retryable).toBe(false);
      const form = await send(up);
      const file = form.get('file') as File;
      expect(file.name).toBe('twice.txt');
      expect(await file.text()).toBe('same bytes');
    }
  });

  it('filenames with quotes and newlines survive the round trip', async () => {
    for (const onProgress of [undefined, () => undefined]) {
      const up = await buildMultipartBody(new FileSpec('we"ird\nname.txt', 'x'), { onProgress });
      const form = await send(up);
      expect((form.get('file') as File).name).toBe('we"ird\nname.txt');
    }
  });

  it('a missing local file fails before anything is sent, naming the path', async () => {
    const p = join(dir, 'missing.txt');
    await expect(buildMultipartBody(new FileSpec(p))).rejects.toThrow(p);
    await expect(buildMultipartBody([])).rejects.toThrow(/no files/);
  });
});

describe('buildMultipartBody with empty chunks and empty files', () => {
  it('streams that emit empty chunks, and empty files, still complete', async () => {
    const web = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(0));
        c.enqueue(new TextEncoder().encode('ab'));
        c.enqueue(new Uint8Array(0));
        c.close();
      },
    });
    const node = Readable.from([Buffer.alloc(0), Buffer.from('cd'), Buffer.alloc(0)]);
    const up = await buildMultipartBody([
      new FileSpec('w.txt', web),
      new FileSpec('n.txt', node),
      new FileSpec('empty.txt', ''),
    ]);
    const files = (await send(up)).getAll('file') as File[];
    expect(await Promise.all(files.map((f) => f.text()))).toEqual(['ab', 'cd', '']);
  });
});

describe('buildMultipartBody where request bodies cannot be streamed (stream: false)', () => {
  it('Node can stream request bodies', async () => {
    const { requestStreamsSupported } = await import('../../src/files/upload.js');
    expect(requestStreamsSupported()).toBe(true);
  });

  it('sends a FormData (replayable) with onProgress, a stream spec read whole, and marks it whole', async () => {
    const bytes = patternBytes(70_000);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes.subarray(0, 30_000));
        c.enqueue(bytes.subarray(30_000));
        c.close();
      },
    });
    const seen: TransferProgress[] = [];
    const upload = await buildMultipartBody(
      [new FileSpec('a.txt', 'hello'), new FileSpec('b.bin', stream)],
      { metadata: { x: 1 }, onProgress: (p) => seen.push(p), stream: false },
    );
    expect(upload.body).toBeInstanceOf(FormData);
    expect(upload.retryable).toBe(true);
    expect(upload.whole).toEqual({ total: 5 + 70_000 });
    expect(upload.total).toBeUndefined(); // body bytes: unknown before the runtime encodes the FormData
    expect(seen).toEqual([]); // the sender reports; building the body sends nothing
    const form = await send(upload);
    const files = form.getAll('file') as File[];
    expect(files.map((f) => f.name)).toEqual(['a.txt', 'b.bin']);
    expect(sameBytes(new Uint8Array(await files[1]!.arrayBuffer()), bytes)).toBe(true);
    expect(form.get('metadata')).toBe('{"x":1}');
  });

  it('without onProgress a stream spec still goes whole (no duplex body)', async () => {
    const upload = await buildMultipartBody(new FileSpec('s.txt', new Blob(['abc']).stream()), {
      stream: false,
    });
    expect(upload.body).toBeInstanceOf(FormData);
    expect(upload.whole).toBeUndefined();
    expect(toFetchInit(upload).duplex).toBeUndefined();
  });
});
