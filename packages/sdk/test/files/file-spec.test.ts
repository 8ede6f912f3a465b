import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FileSpec,
  FileSpecError,
  getLocalFileSource,
  registerLocalFileSource,
  toFileSpecs,
} from '../../src/files/file-spec.js';
import { installNodeFileSource, nodeFileSource } from '../../src/node/file-source.js';

let dir: string;
beforeAll(async () => {
  installNodeFileSource();
  dir = await mkdtemp(join(tmpdir(), 'fw-filespec-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const text = async (spec: FileSpec) => new TextDecoder().decode(await spec.bytes());

describe('FileSpec', () => {
  it('string contents: UTF-8, name verbatim, type guessed', async () => {
    const spec = new FileSpec('sub/dir/notes.txt', 'héllo');
    expect(spec.name).toBe('sub/dir/notes.txt');
    expect(spec.path).toBeUndefined();
    expect(spec.contentType).toBe('text/plain');
    expect(await spec.size()).toBe(6);
    expect(await text(spec)).toBe('héllo');
    expect(spec.reusable).toBe(true);
  });

  it('empty string contents are allowed', async () => {
    const spec = new FileSpec('empty.json', '');
    expect(await spec.size()).toBe(0);
    expect(spec.contentType).toBe('application/json');
  });

  it('bytes, ArrayBuffer and Blob contents', async () => {
    const bytes = new Uint8Array([1, 2, 3, 250]);
    expect(await new FileSpec('a.bin', bytes).bytes()).toEqual(bytes);
    expect(await new FileSpec('a.bin', Buffer.from(bytes)).bytes()).toEqual(bytes);
    expect(await new FileSpec('a.bin', bytes.buffer).bytes()).toEqual(bytes);
    const blobSpec = new FileSpec('scan', new Blob([bytes], { type: 'application/dicom' }));
    expect(blobSpec.contentType).toBe('application/dicom');
    expect(await blobSpec.size()).toBe(4);
  });

  it('content type: explicit wins, then guess, then octet-stream', () => {
    expect(new FileSpec('x.txt', 'a', 'application/x-custom').contentType).toBe(
      'application/x-custom',
    );
    expect(new FileSpec('image.nii.gz', 'a').contentType).toBe('application/gzip');
    expect(new FileSpec('x.csv', 'a').contentType).toBe('text/csv');
    expect(new FileSpec('noextension', 'a').contentType).toBe('application/octet-stream');
    expect(new FileSpec('x.unknownext', 'a').contentType).toBe('application/octet-stream');
  });

  it('web ReadableStream contents: size unknown, single use', async () => {
    const stream = new Blob(['abc', 'def']).stream();
    const spec = new FileSpec('s.txt', stream);
    expect(spec.reusable).toBe(false);
    expect(await spec.size()).toBeUndefined();
    expect(await text(spec)).toBe('abcdef');
    await expect(spec.open()).rejects.toThrow(/already read/);
  });

  it('Node Readable contents', async () => {
    const spec = new FileSpec('r.txt', Readable.from([Buffer.from('one '), 'two']));
    expect(spec.reusable).toBe(false);
    expect(await text(spec)).toBe('one two');
  });

  it('local path: basename, size, contents, guessed type, re-readable', async () => {
    const p = join(dir, 'report.csv');
    await writeFile(p, 'a,b\n1,2\n');
    const spec = new FileSpec(p);
    expect(spec.name).toBe('report.csv');
    expect(spec.path).toBe(p);
    expect(spec.contentType).toBe('text/csv');
    expect(await spec.size()).toBe(8);
    expect(await text(spec)).toBe('a,b\n1,2\n');
    expect(await text(spec)).toBe('a,b\n1,2\n');
    // streamed with a known size, never a file-backed Blob (fetch would read that ahead whole)
    const opened = await spec.open();
    expect(opened).toMatchObject({ kind: 'stream', size: 8 });
  });

  it('local path stream works', async () => {
    const p = join(dir, 'streamed.bin');
    await writeFile(p, Buffer.from([9, 8, 7]));
    const file = await nodeFileSource.open(p);
    const chunks = await new Response(file.stream()).arrayBuffer();
    expect(new Uint8Array(chunks)).toEqual(new Uint8Array([9, 8, 7]));
  });

  it('missing local file: error names the path', async () => {
    const p = join(dir, 'does-not-exist.dcm');
    const spec = new FileSpec(p);
    await expect(spec.size()).rejects.toThrow(p);
    await expect(spec.open()).rejects.toThrow(/not found/i);
    await expect(spec.open()).rejects.toBeInstanceOf(FileSpecError);
  });

  it('directory path is rejected', async () => {
    await expect(new FileSpec(dir).open()).rejects.toThrow(/Not a regular file/);
  });

  it('empty name and no contents is an error naming the problem', () => {
    expect(() => new FileSpec('')).toThrow(/needs a file/);
    expect(() => new FileSpec(undefined as unknown as string)).toThrow(FileSpecError);
    expect(() => new FileSpec('', 'data')).toThrow(/name is required/);
    expect(() => new FileSpec('x', 42 as unknown as string)).toThrow(/unsupported contents/);
  });

  it('without a local source, a path explains that Node is needed', async () => {
    const saved = getLocalFileSource();
    registerLocalFileSource(undefined);
    try {
      const spec = new FileSpec('/some/where/file.txt');
      expect(spec.name).toBe('file.txt');
      await expect(spec.open()).rejects.toThrow(/needs Node/);
    } finally {
      registerLocalFileSource(saved);
    }
  });
});

describe('toFileSpecs', () => {
  it('accepts a FileSpec, a path, or a list of either; skips falsy entries', () => {
    const a = new FileSpec('a.txt', 'a');
    expect(toFileSpecs(a)).toEqual([a]);
    const [fromPath] = toFileSpecs('/tmp/x/y.txt');
    expect(fromPath).toBeInstanceOf(FileSpec);
    expect(fromPath!.name).toBe('y.txt');
    expect(fromPath!.path).toBe('/tmp/x/y.txt');
    const list = toFileSpecs([a, null, '', '/tmp/z.json', undefined]);
    expect(list.map((s) => s.name)).toEqual(['a.txt', 'z.json']);
    expect(toFileSpecs(null)).toEqual([]);
    expect(() => toFileSpecs([{} as FileSpec])).toThrow(/FileSpec or a local file path/);
  });
});
