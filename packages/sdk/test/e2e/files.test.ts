/** Files: upload, download (path, stream, bytes, ticket URL), zip members, info, classification, FileEntry. */
import { mkdirSync, mkdtempSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Acquisition,
  Analysis,
  FileEntry,
  FileSpec,
  Group,
  NotFoundError,
  Project,
  Session,
} from '../../src/node.js';
import { groupId, useServer } from '../helpers/server.js';
import { makeZip } from '../helpers/zip.js';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('files', () => {
  const ctx = useServer();
  let project: Project;
  let session: Session;
  let acquisition: Acquisition;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fw-sdk-files-'));
    const gid = await ctx.fw.addGroup({ _id: groupId('files'), label: 'Files' });
    project = await (await ctx.fw.getGroup(gid)).addProject({ label: 'Files project' });
    session = await project.addSession({ label: 'ses', subject: { code: 'f1' } });
    acquisition = await session.addAcquisition({ label: 'acq' });
  });

  it('uploads from memory (FileSpec) and from a path; downloads to a path, reads bytes', async () => {
    // getting started: FileSpec('hello.txt', 'Hello World!\n', 'text/plain')
    const entry = (
      await project.uploadFile(new FileSpec('hello.txt', 'Hello World!\n', 'text/plain'))
    )[0]!;
    expect(entry).toBeInstanceOf(FileEntry);
    expect(entry.name).toBe('hello.txt');
    expect(entry.size).toBe(13);
    expect(entry.parent).toBe(project);
    const local = join(dir, 'hello1.txt');
    writeFileSync(local, 'from disk');
    const fromPath = (await project.uploadFile(local))[0]!;
    expect(fromPath.name).toBe('hello1.txt');

    mkdirSync(join(dir, 'out'));
    const dest = join(dir, 'out', 'hello.txt');
    await project.downloadFile('hello.txt', dest);
    expect(readFileSync(dest, 'utf8')).toBe('Hello World!\n');
    expect(readdirSync(join(dir, 'out'))).toEqual(['hello.txt']); // no temp files left behind
    expect(text(await project.readFile('hello.txt'))).toBe('Hello World!\n');
    expect(text(await ctx.fw.downloadFileFromProjectAsData(project.id, 'hello1.txt'))).toBe(
      'from disk',
    );
  });

  it('stored file fields after upload (python §11): size, mimetype, type, empty classification and info', async () => {
    await acquisition.uploadFile(new FileSpec('file.txt', 'abc'));
    const f = (await acquisition.reload()).files!.find((x) => x.name === 'file.txt')!;
    expect(f.size).toBe(3);
    expect(f.mimetype).toBe('text/plain');
    expect(f.type).toBe('text');
    expect(f.modality ?? null).toBeNull();
    expect(f.classification ?? {}).toEqual({});
    expect(f.info ?? {}).toEqual({});
    expect(f.created).toBeInstanceOf(Date);
  });

  it('uploadFileToContainer with metadata (quick reference)', async () => {
    const md = { info: { 'hair color': 'brown', 'motion level': 'low' } };
    await ctx.fw.uploadFileToContainer(acquisition.id, new FileSpec('meta.nii.gz', 'nifti-bytes'), {
      metadata: JSON.stringify(md),
    });
    const f = await (await acquisition.reload()).getFile('meta.nii.gz');
    expect(f!.info).toEqual(md.info);
  });

  it('downloads to a WritableStream (any runtime), with progress', async () => {
    const chunks: Uint8Array[] = [];
    const progress: number[] = [];
    await project.downloadFile(
      'hello.txt',
      new WritableStream({ write: (c) => void chunks.push(c) }),
      {
        onProgress: (p) => progress.push(p.loaded),
      },
    );
    expect(text(Buffer.concat(chunks))).toBe('Hello World!\n');
    expect(progress[progress.length - 1]).toBe(13);
  });

  it('ticket URLs work without the API key and differ per call', async () => {
    const u1 = await project.getFileDownloadUrl('hello.txt');
    const u2 = await ctx.fw.getProjectDownloadUrl(project.id, 'hello.txt');
    expect(u1).not.toBe(u2);
    expect(u1.startsWith(`${ctx.server.url}/projects/${project.id}/files/hello.txt?ticket=`)).toBe(
      true,
    );
    expect(await (await fetch(u1)).text()).toBe('Hello World!\n');
    // the local copy's file list is from before the upload: reload first
    expect(await project.getFile('hello.txt')).toBeNull();
    const f = await (await project.reload()).getFile('hello.txt');
    expect(await (await fetch(await f!.url())).text()).toBe('Hello World!\n');
  });

  it('zip info and members: container methods, FileEntry methods and the generated twins agree', async () => {
    const zip = await makeZip(
      { 'readme.txt': 'read me', 'dir/data.csv': 'a,b\n1,2\n' },
      'archive comment',
    );
    await acquisition.uploadFile(new FileSpec('archive.zip', zip));
    const info = await acquisition.getFileZipInfo('archive.zip');
    expect(info.comment).toBe('archive comment');
    expect(info.members!.map((m) => m.path).sort()).toEqual(['dir/data.csv', 'readme.txt']);
    expect(info.members!.find((m) => m.path === 'readme.txt')!.size).toBe(7);
    expect(await ctx.fw.getAcquisitionFileZipInfo(acquisition.id, 'archive.zip')).toEqual(info);

    const entryName = info.members![0]!.path!;
    mkdirSync(join(dir, 'zip', 'dir'), { recursive: true });
    const out = join(dir, 'zip', entryName);
    await acquisition.downloadFileZipMember('archive.zip', entryName, out);
    expect(existsSync(out)).toBe(true);
    expect(text(await acquisition.readFileZipMember('archive.zip', 'readme.txt'))).toBe('read me');

    const file = (await (await acquisition.reload()).getFile('archive.zip'))!;
    expect(await file.getZipInfo()).toEqual(info);
    expect(text(await file.readZipMember('dir/data.csv'))).toBe('a,b\n1,2\n');
  });

  it('file attributes, info and classification through the container', async () => {
    await acquisition.uploadFile(new FileSpec('scan.txt', 'scan'));
    const modified = await acquisition.updateFile('scan.txt', { modality: 'MR', type: 'dicom' });
    expect(modified).toEqual(expect.objectContaining({ jobs_spawned: 0 }));
    await acquisition.replaceFileInfo('scan.txt', { wordCount: 327, x: 1 });
    await acquisition.updateFileInfo('scan.txt', { y: 2 });
    await acquisition.deleteFileInfo('scan.txt', 'x');
    let f = (await (await acquisition.reload()).getFile('scan.txt'))!;
    expect(f.info).toEqual({ wordCount: 327, y: 2 });
    expect(f.modality).toBe('MR');
    expect(f.type).toBe('dicom');

    await acquisition.replaceFileClassification(
      'scan.txt',
      { Intent: ['Structural'], Measurement: ['T2'] },
      { modality: 'MR' },
    );
    await acquisition.updateFileClassification('scan.txt', { Custom: ['value1', 'value2'] });
    await acquisition.deleteFileClassification('scan.txt', { Custom: ['value1'] });
    f = (await (await acquisition.reload()).getFile('scan.txt'))!;
    expect(f.classification).toEqual({
      Intent: ['Structural'],
      Measurement: ['T2'],
      Custom: ['value2'],
    });
    expect(f.modality).toBe('MR');
  });

  it('classification add appends values (python §11) via the generated wrappers', async () => {
    await acquisition.uploadFile(new FileSpec('cls.txt', 'c'));
    await ctx.fw.replaceAcquisitionFileClassification(acquisition.id, 'cls.txt', {
      Custom: ['measurement1'],
    });
    await ctx.fw.setAcquisitionFileClassification(acquisition.id, 'cls.txt', {
      Custom: ['HelloWorld'],
    });
    await ctx.fw.deleteAcquisitionFileClassificationFields(acquisition.id, 'cls.txt', {
      Custom: ['nothing'],
    });
    const f = await ctx.fw.getAcquisitionFileInfo(acquisition.id, 'cls.txt');
    expect(f.classification).toEqual({ Custom: ['measurement1', 'HelloWorld'] });
    expect(f).toBeInstanceOf(FileEntry);
    expect(f.parent).toBeUndefined();
    // v21 files name their container: ref() and the lazy parent come from parent_ref
    expect(f.ref()).toEqual({ type: 'acquisition', id: acquisition.id, name: 'cls.txt' });
  });

  it('FileEntry tags go through /files/{file_id}/tags: addTags PATCH, setTags PUT, deleteTag DELETE (body list), renameTag PATCH+DELETE', async () => {
    const [f] = await acquisition.uploadFile(new FileSpec('tagged.txt', 't'));
    expect(await f!.addTags(['a', 'b'])).toEqual(expect.arrayContaining(['a', 'b']));
    await f!.addTag('c');
    await f!.deleteTag('a');
    await f!.renameTag('b', 'B');
    expect((await f!.reload()).tags).toEqual(expect.arrayContaining(['B', 'c']));
    expect((await f!.reload()).tags).toHaveLength(2);
    await f!.setTags(['only']);
    expect((await f!.reload()).tags).toEqual(['only']);
  });

  it('FileEntry info and classification go through /files/{file_id}/info (PATCH/PUT) and /files/{file_id}/classification (PUT)', async () => {
    const [f] = await acquisition.uploadFile(new FileSpec('byid.txt', 'x'));
    await f!.replaceInfo({ a: 1, x: 1 });
    await f!.updateInfo({ b: 2 });
    await f!.deleteInfo('x');
    expect(await f!.getInfo()).toEqual({ a: 1, b: 2 });
    await f!.replaceClassification({ Intent: ['Structural'] }, { modality: 'MR' });
    await f!.updateClassification({ Custom: ['c1', 'c2'] });
    await f!.deleteClassification({ Custom: ['c1'] });
    const fresh = await f!.reload();
    expect(fresh.info).toEqual({ a: 1, b: 2 });
    expect(fresh.classification).toEqual({ Intent: ['Structural'], Custom: ['c2'] });
    expect(fresh.modality).toBe('MR');
  });

  it('fw.files is a finder over GET /files that pages on file_id', async () => {
    const all = await ctx.fw.files.find('name=byid.txt');
    expect(all.length).toBeGreaterThanOrEqual(1);
    expect(all[0]).toBeInstanceOf(FileEntry);
    expect(all[0]!.file_id).toBeTypeOf('string');
    const paged: string[] = [];
    for await (const f of ctx.fw.files.iter({ limit: 2 })) paged.push(f.file_id);
    expect(new Set(paged).size).toBe(paged.length);
    expect(paged.length).toBe((await ctx.fw.files()).length);
  });

  it('downloadZip (POST /download, GET /download?ticket=…&format=zip) and downloadTar (format=tar) write atomically; a failure leaves no file', async () => {
    const out = join(dir, 'zipdir');
    mkdirSync(out);
    const summary = await ctx.fw.downloadZip(acquisition, join(out, 'acq.zip'));
    expect(summary.ticket).toBeTypeOf('string');
    expect(readFileSync(join(out, 'acq.zip')).length).toBeGreaterThan(0);
    await acquisition.downloadTar(join(out, 'acq.tar'));
    expect(readFileSync(join(out, 'acq.tar')).length).toBeGreaterThan(512);
    expect(readdirSync(out).sort()).toEqual(['acq.tar', 'acq.zip']); // no temp files
    await expect(
      ctx.fw.downloadZip(
        { type: 'acquisition', id: '000000000000000000000000' },
        join(out, 'x.zip'),
      ),
    ).rejects.toThrow();
    expect(readdirSync(out).sort()).toEqual(['acq.tar', 'acq.zip']);
  });

  it('GET /download?ticket=…&format=zip answers a zip archive (PK header)', async () => {
    const path = join(dir, 'check.zip');
    await ctx.fw.downloadZip(acquisition, path);
    expect(readFileSync(path).subarray(0, 2).toString()).toBe('PK');
  });

  it('FileEntry methods delegate to the parent container', async () => {
    await acquisition.uploadFile(new FileSpec('entry.txt', 'entry data'));
    const files = (await ctx.fw.getAcquisition(acquisition.id)).files!;
    const file = files.find((f) => f.name === 'entry.txt')!;
    expect(file.parent!.id).toBe(acquisition.id);
    expect(text(await file.read())).toBe('entry data');
    const dest = join(dir, 'entry.txt');
    await file.download(dest);
    expect(readFileSync(dest, 'utf8')).toBe('entry data');
    await file.update({ type: 'text', modality: 'MR' });
    await file.replaceInfo({ a: 1 });
    await file.updateInfo({ b: 2 });
    await file.deleteInfo('a');
    await file.replaceClassification({ Intent: ['Functional'] }, { modality: 'MR' });
    await file.updateClassification({ Custom: ['c1'] });
    await file.deleteClassification({ Intent: ['Functional'] });
    const fresh = (await (await acquisition.reload()).getFile('entry.txt'))!;
    expect(fresh.info).toEqual({ b: 2 });
    expect(fresh.classification).toEqual({ Custom: ['c1'] }); // the emptied Intent aspect is dropped;
    await fresh.delete();
    expect(await (await acquisition.reload()).getFile('entry.txt')).toBeNull();
  });

  it('getFiles() re-fetches when the local copy has no file list and sets parents', async () => {
    const acq = await session.addAcquisition({ label: 'lazy' });
    await acq.uploadFile(new FileSpec('one.txt', '1'));
    const bare = new Acquisition(ctx.fw, { _id: acq.id });
    const files = await bare.getFiles();
    expect(files.map((f) => f.name)).toEqual(['one.txt']);
    expect(files[0]!.parent).toBe(bare);
    expect(await bare.getFile('missing')).toBeNull();
  });

  it('analysis outputs: uploadOutput with several files, read them back', async () => {
    // built from the generated calls: addAnalysis itself is tested in containers.test.ts
    const id = (await ctx.fw.addSessionAnalysis(session.id, {
      label: 'outputs',
      inputs: [],
    } as never)) as unknown as string;
    const raw = await ctx.fw.getAnalysis(id);
    const analysis = raw instanceof Analysis ? raw : new Analysis(ctx.fw, raw as object);
    const p1 = join(dir, 'hello1.txt');
    const p2 = join(dir, 'hello2.txt');
    writeFileSync(p1, 'one');
    writeFileSync(p2, 'two');
    const saved = await analysis.uploadOutput([p1, p2]);
    expect(saved.map((f) => f.name)).toEqual(['hello1.txt', 'hello2.txt']);
    expect(saved.every((f) => f instanceof FileEntry && f.parent === analysis)).toBe(true);
    const again = await ctx.fw.getAnalysis(id);
    const fresh = again instanceof Analysis ? again : new Analysis(ctx.fw, again as object);
    expect(fresh.files!.map((f) => f.name).sort()).toEqual(['hello1.txt', 'hello2.txt']);
    expect(text(await fresh.readFile('hello2.txt'))).toBe('two');
    expect(text(await fresh.files!.find((f) => f.name === 'hello1.txt')!.read())).toBe('one');
    expect(await (await fetch(await fresh.getFileDownloadUrl('hello1.txt'))).text()).toBe('one');
  });

  it('downloadTar writes an archive of the container files (also from the container object)', async () => {
    const tarPath = join(dir, 'acquisition.tar');
    const summary = await ctx.fw.downloadTar([acquisition], tarPath);
    expect(summary.file_cnt).toBeGreaterThan(0);
    const tar = readFileSync(tarPath);
    expect(tar.includes(Buffer.from('file.txt'))).toBe(true);
    const only = join(dir, 'session.tar');
    await session.downloadTar(only, { includeTypes: ['dicom'] });
    const t2 = readFileSync(only);
    expect(t2.includes(Buffer.from('scan.txt'))).toBe(true);
    expect(t2.includes(Buffer.from('hello.txt'))).toBe(false);
    await expect(ctx.fw.downloadTar([{ id: 'x' } as never], join(dir, 'x.tar'))).rejects.toThrow(
      /unknown container/,
    );
  });

  it('errors: missing container 404, missing local file and bad destination fail before any request', async () => {
    await expect(
      ctx.fw.uploadFileToAcquisition('000000000000000000000000', new FileSpec('a.txt', 'a')),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(project.uploadFile(join(dir, 'does-not-exist.txt'))).rejects.toThrow(
      /does-not-exist\.txt/,
    );
    writeFileSync(join(dir, 'afile'), 'x');
    await expect(
      project.downloadFile('hello.txt', join(dir, 'afile', 'below.txt')),
    ).rejects.toThrow();
    await expect(project.readFile('nope.txt')).rejects.toBeInstanceOf(NotFoundError);
  });
});
