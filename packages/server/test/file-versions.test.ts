import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../src/db/open.js';
import { getUser } from '../src/db/users.js';
import { createBlobStore, type BlobStore } from '../src/storage/index.js';
import type { CurrentUser } from '../src/app/context.js';
import {
  deleteFileById,
  getFileVersion,
  listFileVersions,
  moveFile,
  parseVersion,
  restoreFileVersion,
} from '../src/app/file-versions.js';
import { form, hierarchy, useServer } from './helpers/server.js';

const t = useServer();

// The /files/{file_id} routes are wired after the route-table merge; until then the engine is
// driven through a second connection to the server's own database (WAL: both see each commit).
let db: Db;
let blobs: BlobStore;
let admin: CurrentUser;
beforeAll(() => {
  db = openDatabase(join(t.server.dataDir, 'flywheel.sqlite'));
  blobs = createBlobStore({ dataDir: t.server.dataDir });
  admin = { doc: getUser(db, 'admin@local.flywheel')!, isAdmin: true, key: null };
});
afterAll(() => db?.close());

const state = () => ({ db, blobs });
async function bytesOf(blobId: string | null): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of await blobs.open(blobId!)) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}
const blobCount = () =>
  readdirSync(join(t.server.dataDir, 'blobs')).filter((f) => !f.startsWith('.')).length;

async function upload(path: string, name: string, data: string, meta?: unknown) {
  const [doc] = await t.ok('POST', `${path}/files`, { raw: form([{ name, data }], meta) });
  return doc;
}

describe('file versions', () => {
  it('a re-upload is version 2 with the same file_id; version 1 stays readable', async () => {
    const h = await hierarchy(t);
    const path = `/acquisitions/${h.acquisition}`;
    const v1 = await upload(path, 'scan.txt', 'first', { tags: ['old'] });
    expect(v1).toMatchObject({
      version: 1,
      parent_ref: { type: 'acquisition', id: h.acquisition },
    });
    expect(v1.file_id).toMatch(/^[0-9a-f]{24}$/);
    const v2 = await upload(path, 'scan.txt', 'second!');
    expect(v2).toMatchObject({ version: 2, file_id: v1.file_id, size: 7 });
    expect(v2._id).not.toBe(v1._id);

    // the container lists the latest only, and downloads give its bytes
    const acq = await t.ok('GET', path);
    expect(acq.files.map((f: any) => [f.name, f.version])).toEqual([['scan.txt', 2]]);
    expect((await t.call('GET', `${path}/files/scan.txt`)).bytes.toString()).toBe('second!');

    // by id: latest, and version 1 with its own bytes and metadata
    const latest = getFileVersion(state(), admin, v1.file_id);
    expect(latest.doc).toMatchObject({ version: 2, _id: v2._id });
    const old = getFileVersion(state(), admin, v1.file_id, 1);
    expect(old.doc).toMatchObject({ version: 1, _id: v1._id, tags: ['old'], size: 5 });
    expect(old.doc.replaced).toBeTypeOf('string');
    expect(await bytesOf(old.row.blob_id)).toBe('first');
    expect(await bytesOf(latest.row.blob_id)).toBe('second!');
    expect(() => getFileVersion(state(), admin, v1.file_id, 3)).toThrow(/version 3/);

    const versions = listFileVersions(state(), admin, v1.file_id);
    expect(versions.map((v) => [v.file_id, v.version])).toEqual([
      [v1.file_id, 1],
      [v1.file_id, 2],
    ]);
    expect(versions[0]).toMatchObject({ created: v1.created, origin: { type: 'user' } });
  });

  it('restore makes a new latest version with the old content and restored_from', async () => {
    const h = await hierarchy(t);
    const path = `/sessions/${h.session}`;
    const v1 = await upload(path, 'r.txt', 'one', { info: { v: 1 } });
    await upload(path, 'r.txt', 'two', { info: { v: 2 } });
    const doc = restoreFileVersion(state(), admin, v1.file_id, 1);
    expect(doc).toMatchObject({
      file_id: v1.file_id,
      version: 3,
      restored_from: 1,
      restored_by: { type: 'user', id: admin.doc._id },
      info: { v: 1 },
      size: 3,
    });
    expect((await t.call('GET', `${path}/files/r.txt`)).bytes.toString()).toBe('one');
    const listed = (await t.ok('GET', path)).files;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ version: 3, restored_from: 1 });
    expect(listFileVersions(state(), admin, v1.file_id).map((v) => v.version)).toEqual([1, 2, 3]);
    expect(listFileVersions(state(), admin, v1.file_id)[2]).toMatchObject({ restored_from: 1 });
    expect(() => restoreFileVersion(state(), admin, v1.file_id, 9)).toThrow(/not found/);
  });

  it('checks access on the file container', async () => {
    const h = await hierarchy(t);
    const v1 = await upload(`/projects/${h.project}`, 'p.txt', 'x');
    await t.createUser('nobody@example.org');
    const nobody: CurrentUser = {
      doc: getUser(db, 'nobody@example.org')!,
      isAdmin: false,
      key: null,
    };
    expect(() => getFileVersion(state(), nobody, v1.file_id)).toThrow(/does not have ro access/);
    expect(() => getFileVersion(state(), admin, 'ffffffffffffffffffffffff')).toThrow(/not found/);
    expect(parseVersion('2')).toBe(2);
    expect(() => parseVersion('0')).toThrow(/invalid version/);
  });

  it('deletes one version (the previous becomes current) or all, removing blobs', async () => {
    const h = await hierarchy(t);
    const path = `/subjects/${h.subject}`;
    const before = blobCount();
    const v1 = await upload(path, 'd.txt', 'v1');
    await upload(path, 'd.txt', 'v2');
    await upload(path, 'd.txt', 'v3');
    expect(blobCount()).toBe(before + 3);
    expect(await deleteFileById(state(), admin, v1.file_id, 3)).toEqual({ deleted: 1 });
    expect(blobCount()).toBe(before + 2);
    expect((await t.call('GET', `${path}/files/d.txt`)).bytes.toString()).toBe('v2');
    expect((await t.ok('GET', path)).files[0]).toMatchObject({ version: 2 });
    expect((await t.ok('GET', path)).files[0].replaced).toBeUndefined();
    expect(await deleteFileById(state(), admin, v1.file_id)).toEqual({ deleted: 2 });
    expect(blobCount()).toBe(before);
    expect((await t.ok('GET', path)).files).toEqual([]);
    // a new upload of the name starts a new file
    const again = await upload(path, 'd.txt', 'new');
    expect(again.version).toBe(1);
    expect(again.file_id).not.toBe(v1.file_id);
  });

  it('a restored version shares its blob: deleting one keeps the bytes of the other', async () => {
    const h = await hierarchy(t);
    const path = `/acquisitions/${h.acquisition}`;
    const v1 = await upload(path, 's.txt', 'shared');
    await upload(path, 's.txt', 'other');
    restoreFileVersion(state(), admin, v1.file_id, 1); // v3 uses v1's blob
    await deleteFileById(state(), admin, v1.file_id, 1);
    expect((await t.call('GET', `${path}/files/s.txt`)).bytes.toString()).toBe('shared');
  });

  it('the container file DELETE and container deletion remove every version and blob', async () => {
    const h = await hierarchy(t);
    const before = blobCount();
    const a = await upload(`/acquisitions/${h.acquisition}`, 'a.txt', '1');
    await upload(`/acquisitions/${h.acquisition}`, 'a.txt', '2');
    await upload(`/sessions/${h.session}`, 'b.txt', '1');
    await upload(`/sessions/${h.session}`, 'b.txt', '2');
    expect(blobCount()).toBe(before + 4);
    await t.ok('DELETE', `/acquisitions/${h.acquisition}/files/a.txt`);
    expect(blobCount()).toBe(before + 2);
    expect(() => listFileVersions(state(), admin, a.file_id)).toThrow(/not found/);
    await t.ok('DELETE', `/projects/${h.project}`);
    expect(blobCount()).toBe(before);
    const left = db
      .prepare('SELECT count(*) AS n FROM file_versions WHERE container_id IN (?, ?)')
      .get(h.acquisition, h.session) as { n: number };
    expect(left.n).toBe(0);
  });

  it('moves and renames a file with its versions; 409 on a name clash', async () => {
    const h = await hierarchy(t);
    const f = await upload(`/acquisitions/${h.acquisition}`, 'm.txt', 'a');
    await upload(`/acquisitions/${h.acquisition}`, 'm.txt', 'b');
    await upload(`/sessions/${h.session}`, 'taken.txt', 'x');
    expect(() =>
      moveFile(state(), admin, f.file_id, {
        container_reference: { type: 'session', id: h.session },
        name: 'taken.txt',
      }),
    ).toThrow(/already has a file/);
    expect(
      moveFile(state(), admin, f.file_id, {
        container_reference: { type: 'session', id: h.session },
        name: 'moved.txt',
      }),
    ).toEqual({ modified: 1 });
    expect((await t.ok('GET', `/acquisitions/${h.acquisition}`)).files).toEqual([]);
    const ses = await t.ok('GET', `/sessions/${h.session}`);
    expect(ses.files.find((x: any) => x.name === 'moved.txt')).toMatchObject({
      file_id: f.file_id,
      version: 2,
      parent_ref: { type: 'session', id: h.session },
    });
    expect(getFileVersion(state(), admin, f.file_id, 1).doc).toMatchObject({
      name: 'moved.txt',
      parent_ref: { type: 'session', id: h.session },
    });
    expect((await t.call('GET', `/sessions/${h.session}/files/moved.txt`)).bytes.toString()).toBe(
      'b',
    );
  });
});
