import { createWriteStream, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import yazl from 'yazl';
import { describe, expect, it } from 'vitest';
import { createBlobStore } from '../../src/storage/index.js';
import {
  TransferError,
  byteRangesBody,
  createTarStream,
  openZipMember,
  parseMultipartUpload,
  parseRange,
  safeFileName,
  zipInfo,
} from '../../src/transfer/index.js';
import { readAll, tempDir } from './helpers.js';

async function encode(fd: FormData): Promise<{ bytes: Buffer; contentType: string }> {
  const req = new Request('http://local/upload', { method: 'POST', body: fd });
  return {
    bytes: Buffer.from(await req.arrayBuffer()),
    contentType: req.headers.get('content-type')!,
  };
}

async function rejection(p: Promise<unknown>): Promise<TransferError> {
  const err = await p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TransferError);
  return err as TransferError;
}

describe('parseMultipartUpload', () => {
  it('streams every part with a filename into the store and parses metadata', async () => {
    const store = createBlobStore({ dataDir: tempDir() });
    const fd = new FormData();
    fd.append('file1', new Blob(['first file'], { type: 'text/plain' }), '../../etc/séance.txt');
    fd.append('metadata', JSON.stringify({ type: 'text', info: { a: 1 } }));
    fd.append('whatever', new Blob(['{"x":1}']), 'C:\\Users\\me\\data.json');
    fd.append('note', 'hello');
    const req = new Request('http://local/upload', { method: 'POST', body: fd });
    const res = await parseMultipartUpload(req.body!, req.headers, store);
    expect(res.metadata).toEqual({ type: 'text', info: { a: 1 } });
    expect(res.fields).toEqual({ note: 'hello' });
    expect(res.files.map((f) => [f.field, f.name, f.size, f.contentType])).toEqual([
      ['file1', 'séance.txt', 10, 'text/plain'],
      ['whatever', 'data.json', 7, 'application/json'],
    ]);
    expect(readFileSync(store.path(res.files[0]!.blobId), 'utf8')).toBe('first file');
    expect(readFileSync(store.path(res.files[1]!.blobId), 'utf8')).toBe('{"x":1}');
    expect(res.files[0]!.hash).toMatch(/^v0-sha384-[0-9a-f]{96}$/);
  });

  it('accepts a Node Readable with plain headers and keeps sub-paths with filenamePath', async () => {
    const store = createBlobStore({ dataDir: tempDir() });
    const fd = new FormData();
    fd.append('file', new Blob(['abc']), 'sub/dir/x.dat');
    const { bytes, contentType } = await encode(fd);
    const res = await parseMultipartUpload(
      Readable.from([bytes]),
      { 'Content-Type': contentType },
      store,
      {
        filenamePath: true,
        minFiles: 1,
        maxFiles: 1,
      },
    );
    expect(res.files.map((f) => f.name)).toEqual(['sub/dir/x.dat']);
    expect(res.metadata).toBeUndefined();
  });

  it('rejects malformed metadata with the reference message and removes written blobs', async () => {
    const store = createBlobStore({ dataDir: tempDir() });
    const fd = new FormData();
    fd.append('file', new Blob(['written first']), 'a.txt');
    fd.append('metadata', '{not json');
    const req = new Request('http://local/upload', { method: 'POST', body: fd });
    const err = await rejection(parseMultipartUpload(req.body!, req.headers, store));
    expect([err.status, err.message]).toEqual([400, 'wrong format for field "metadata"']);
    expect(readdirSync(store.dir)).toEqual([]);
  });

  it('enforces exactly one file for container uploads', async () => {
    const store = createBlobStore({ dataDir: tempDir() });
    const two = new FormData();
    two.append('file', new Blob(['1']), 'a.txt');
    two.append('file', new Blob(['2']), 'b.txt');
    let req = new Request('http://local/upload', { method: 'POST', body: two });
    let err = await rejection(
      parseMultipartUpload(req.body!, req.headers, store, { minFiles: 1, maxFiles: 1 }),
    );
    expect([err.status, err.message]).toEqual([400, 'exactly one file is required']);
    expect(readdirSync(store.dir)).toEqual([]);

    const none = new FormData();
    none.append('metadata', '{}');
    req = new Request('http://local/upload', { method: 'POST', body: none });
    err = await rejection(
      parseMultipartUpload(req.body!, req.headers, store, { minFiles: 1, maxFiles: 1 }),
    );
    expect(err.status).toBe(400);
  });

  it.each(['..', '.', 'dir/..', 'a\u0000b'])(
    'rejects the file name %j and stores nothing',
    async (name) => {
      const store = createBlobStore({ dataDir: tempDir() });
      const fd = new FormData();
      fd.append('ok', new Blob(['fine']), 'ok.txt');
      fd.append('file', new Blob(['x']), name);
      const req = new Request('http://local/upload', { method: 'POST', body: fd });
      const err = await rejection(parseMultipartUpload(req.body!, req.headers, store));
      expect(err.status).toBe(400);
      expect(readdirSync(store.dir)).toEqual([]);
    },
  );

  it('leaves no blob when the body is cut off in the middle of a file', async () => {
    const store = createBlobStore({ dataDir: tempDir() });
    const fd = new FormData();
    fd.append('a', new Blob(['complete file']), 'a.txt');
    fd.append('b', new Blob([Buffer.alloc(64 * 1024, 7)]), 'b.bin');
    const { bytes, contentType } = await encode(fd);
    const cut = bytes.subarray(0, bytes.length - 1000);
    const err = await rejection(
      parseMultipartUpload(Readable.from([cut]), { 'content-type': contentType }, store),
    );
    expect(err.status).toBe(400);
    expect(readdirSync(store.dir)).toEqual([]);
  });

  it('leaves no blob when the body stream errors midway', async () => {
    const store = createBlobStore({ dataDir: tempDir() });
    const fd = new FormData();
    fd.append('a', new Blob(['complete file']), 'a.txt');
    fd.append('b', new Blob([Buffer.alloc(64 * 1024, 7)]), 'b.bin');
    const { bytes, contentType } = await encode(fd);
    const body = new Readable({ read() {} });
    body.push(bytes.subarray(0, bytes.length - 5000));
    setImmediate(() => body.destroy(new Error('connection reset')));
    await expect(
      parseMultipartUpload(body, { 'content-type': contentType }, store),
    ).rejects.toThrow();
    expect(readdirSync(store.dir)).toEqual([]);
  });

  it('enforces maxFileSize with 413 and removes the other files', async () => {
    const store = createBlobStore({ dataDir: tempDir() });
    const fd = new FormData();
    fd.append('a', new Blob(['small']), 'a.txt');
    fd.append('b', new Blob([Buffer.alloc(1000)]), 'b.bin');
    const req = new Request('http://local/upload', { method: 'POST', body: fd });
    const err = await parseMultipartUpload(req.body!, req.headers, store, {
      maxFileSize: 100,
    }).catch((e) => e);
    expect(err.status).toBe(413);
    expect(readdirSync(store.dir)).toEqual([]);
  });

  it('rejects a non-multipart body with 400', async () => {
    const store = createBlobStore({ dataDir: tempDir() });
    const err = await rejection(
      parseMultipartUpload(
        Readable.from([Buffer.from('{}')]),
        { 'content-type': 'application/json' },
        store,
      ),
    );
    expect(err.status).toBe(400);
  });

  it('safeFileName keeps relative sub-paths only when asked', () => {
    expect(safeFileName('/abs/path/f.txt')).toBe('f.txt');
    expect(safeFileName('/abs/./path//f.txt', true)).toBe('abs/path/f.txt');
    expect(() => safeFileName('a/../../f.txt', true)).toThrow(TransferError);
  });
});

async function writeZip(
  path: string,
  build: (z: yazl.ZipFile) => void,
  comment = '',
): Promise<void> {
  const zip = new yazl.ZipFile();
  build(zip);
  zip.end({ comment, forceZip64Format: false });
  await pipeline(zip.outputStream as unknown as Readable, createWriteStream(path));
}

describe('zip', () => {
  const mtime = new Date(2019, 5, 1, 12, 30, 44); // local time, even seconds (DOS resolution)
  const naive = '2019-06-01T12:30:44+00:00';

  it('lists members with sizes, naive timestamps and comments', async () => {
    const path = join(tempDir(), 'a.zip');
    await writeZip(
      path,
      (z) => {
        z.addBuffer(Buffer.from('hello world'), 'dir/a.txt', {
          mtime,
          fileComment: 'first',
        } as never);
        z.addBuffer(Buffer.alloc(5000, 1), 'b.nii.gz', { mtime, compress: true });
      },
      'archive comment',
    );
    expect(await zipInfo(path)).toEqual({
      comment: 'archive comment',
      members: [
        { path: 'dir/a.txt', size: 11, timestamp: naive, comment: 'first' },
        { path: 'b.nii.gz', size: 5000, timestamp: naive, comment: '' },
      ],
    });
  });

  it('streams one member with its size and a content type from its name', async () => {
    const path = join(tempDir(), 'a.zip');
    await writeZip(path, (z) => {
      z.addBuffer(Buffer.from('x'.repeat(3000)), 'x.txt', { compress: true });
      z.addBuffer(Buffer.from('<p>hi</p>'), 'dir/page.html');
    });
    const m = await openZipMember(path, 'dir/page.html');
    expect(m.size).toBe(9);
    expect(m.contentType).toBe('text/html');
    expect((await readAll(m.stream)).toString()).toBe('<p>hi</p>');
    const x = await openZipMember(path, 'x.txt');
    expect((await readAll(x.stream)).toString()).toBe('x'.repeat(3000));
  });

  it('answers 400 for a missing member and for a non-zip file', async () => {
    const dir = tempDir();
    const path = join(dir, 'a.zip');
    await writeZip(path, (z) => z.addBuffer(Buffer.from('a'), 'a.txt'));
    const missing = await rejection(openZipMember(path, 'nope.txt'));
    expect([missing.status, missing.message]).toEqual([400, 'zip file contains no such member']);
    const notZip = join(dir, 'plain.txt');
    writeFileSync(notZip, 'just some text, no central directory here');
    const bad = await rejection(zipInfo(notZip));
    expect([bad.status, bad.message]).toEqual([400, 'not a zip file']);
    expect((await rejection(openZipMember(notZip, 'a.txt'))).message).toBe('not a zip file');
  });
});

async function untar(
  stream: Readable,
): Promise<{ name: string; size: number; mtime: number; data: string }[]> {
  const out: { name: string; size: number; mtime: number; data: string }[] = [];
  const extract = tar.extract();
  const done = (async () => {
    for await (const entry of extract) {
      const data = (await readAll(entry as unknown as Readable)).toString();
      out.push({
        name: entry.header.name,
        size: entry.header.size!,
        mtime: entry.header.mtime!.getTime(),
        data,
      });
    }
  })();
  await pipeline(stream, extract as never);
  await done;
  return out;
}

describe('tar', () => {
  it('streams blobs in order under their tar paths, including long paths', async () => {
    const dir = tempDir();
    const longPath = `group/project/${'s'.repeat(120)}/file.txt`;
    const files = [
      { pathInTar: 'group/project/a.txt', data: 'alpha' },
      { pathInTar: longPath, data: 'b'.repeat(70_000) },
      { pathInTar: 'group/project/empty', data: '' },
    ];
    const mtime = new Date('2020-02-03T04:05:06Z');
    const entries = files.map((f, i) => {
      const blobPath = join(dir, `blob${i}`);
      writeFileSync(blobPath, f.data);
      return { pathInTar: f.pathInTar, blobPath, size: Buffer.byteLength(f.data), mtime };
    });
    const got = await untar(createTarStream(entries));
    expect(got).toEqual(
      files.map((f) => ({
        name: f.pathInTar,
        size: f.data.length,
        mtime: mtime.getTime(),
        data: f.data,
      })),
    );
  });

  it('errors the stream when a blob is missing', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ok'), 'ok');
    const stream = createTarStream([
      { pathInTar: 'ok', blobPath: join(dir, 'ok'), size: 2 },
      { pathInTar: 'gone', blobPath: join(dir, 'gone'), size: 2 },
    ]);
    await expect(readAll(stream)).rejects.toThrow(/ENOENT/);
  });
});

describe('range', () => {
  it.each([
    [undefined, { kind: 'none' }],
    ['items=0-1', { kind: 'none' }],
    ['bytes=5-2', { kind: 'none' }],
    ['bytes=abc', { kind: 'none' }],
    ['bytes=0-0', { kind: 'single', start: 0, end: 0, contentRange: 'bytes 0-0/100' }],
    ['bytes=10-', { kind: 'single', start: 10, end: 99, contentRange: 'bytes 10-99/100' }],
    ['bytes=-30', { kind: 'single', start: 70, end: 99, contentRange: 'bytes 70-99/100' }],
    ['bytes=-300', { kind: 'single', start: 0, end: 99, contentRange: 'bytes 0-99/100' }],
    ['bytes=90-200', { kind: 'single', start: 90, end: 99, contentRange: 'bytes 90-99/100' }],
    ['bytes=100-', { kind: 'unsatisfiable', contentRange: 'bytes */100' }],
    ['bytes=-0', { kind: 'unsatisfiable', contentRange: 'bytes */100' }],
    [
      'bytes=0-1, 200-300, 5-6',
      {
        kind: 'multi',
        ranges: [
          { start: 0, end: 1 },
          { start: 5, end: 6 },
        ],
      },
    ],
  ])('%s', (header, plan) => {
    expect(parseRange(header, 100)).toEqual(plan);
  });

  it('empty files have no satisfiable range', () => {
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable', contentRange: 'bytes */0' });
  });

  it('builds a multipart/byteranges body with an exact length', async () => {
    const data = Buffer.from('0123456789');
    const body = byteRangesBody({
      ranges: [
        { start: 1, end: 2 },
        { start: 7, end: 9 },
      ],
      size: 10,
      contentType: 'text/plain',
      boundary: 'BOUND',
      open: (s, e) => Readable.from([data.subarray(s, e + 1)]),
    });
    const text = (await readAll(body.stream)).toString();
    expect(body.contentType).toBe('multipart/byteranges; boundary=BOUND');
    expect(text).toBe(
      '--BOUND\r\nContent-Type: text/plain\r\nContent-Range: bytes 1-2/10\r\n\r\n12\r\n' +
        '--BOUND\r\nContent-Type: text/plain\r\nContent-Range: bytes 7-9/10\r\n\r\n789\r\n--BOUND--\r\n',
    );
    expect(body.contentLength).toBe(Buffer.byteLength(text));
  });
});
