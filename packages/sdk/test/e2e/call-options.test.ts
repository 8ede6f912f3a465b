/**
 * Every method of the SDK objects takes the generated methods' call options (`signal`,
 * `timeoutMs`, `maxRetries`) as its last argument and passes them to each request it sends.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  FileSpec,
  type Acquisition,
  type Collection,
  type FileEntry,
  type Group,
  type Project,
  type Session,
} from '../../src/node.js';
import { groupId, useServer } from '../helpers/server.js';

describe('call options on object methods', () => {
  const ctx = useServer();
  let group: Group;
  let project: Project;
  let session: Session;
  let acquisition: Acquisition;
  let file: FileEntry;
  let collection: Collection;
  const aborted = () => ({ signal: AbortSignal.abort() });

  beforeAll(async () => {
    const gid = await ctx.fw.addGroup({ _id: groupId('opts'), label: 'Opts' });
    group = (await ctx.fw.get(gid)) as Group;
    project = await group.addProject({ label: 'Opts project' });
    session = await project.addSession({ label: 'ses', subject: { code: 'o1' } });
    acquisition = await session.addAcquisition({ label: 'acq' });
    [file] = (await acquisition.uploadFile(new FileSpec('a.txt', 'hello\n', 'text/plain'))) as [
      FileEntry,
    ];
    collection = (await ctx.fw.get(
      await ctx.fw.addCollection({ label: 'Opts collection' }),
    )) as Collection;
  });

  it('an aborted signal rejects every method before anything changes', async () => {
    // an object without an embedded `files` list, so getFiles() has to fetch
    const bare = await acquisition.reload();
    delete (bare as { files?: unknown }).files;
    const calls: [string, () => Promise<unknown>][] = [
      ['reload', () => project.reload(aborted())],
      ['update', () => project.update({ description: 'x' }, aborted())],
      ['addTag', () => project.addTag('t', aborted())],
      ['renameTag', () => project.renameTag('t', 'u', aborted())],
      ['deleteTag', () => project.deleteTag('t', aborted())],
      ['addNote', () => project.addNote('n', aborted())],
      ['updateInfo', () => project.updateInfo({ a: 1 }, aborted())],
      ['replaceInfo', () => project.replaceInfo({ a: 1 }, aborted())],
      ['deleteInfo', () => project.deleteInfo(['a'], aborted())],
      ['addSession', () => project.addSession({ label: 's2', subject: { code: 'o2' } }, aborted())],
      ['addAcquisition', () => session.addAcquisition({ label: 'a2' }, aborted())],
      ['uploadFile', () => acquisition.uploadFile(new FileSpec('b.txt', 'x'), aborted())],
      ['getFiles', () => bare.getFiles(aborted())],
      ['getFile', () => bare.getFile('a.txt', aborted())],
      ['readFile', () => acquisition.readFile('a.txt', aborted())],
      ['getFileZipInfo', () => acquisition.getFileZipInfo('a.txt', aborted())],
      ['getFileDownloadUrl', () => acquisition.getFileDownloadUrl('a.txt', aborted())],
      ['updateFile', () => acquisition.updateFile('a.txt', { modality: 'MR' }, aborted())],
      ['updateFileInfo', () => acquisition.updateFileInfo('a.txt', { a: 1 }, aborted())],
      ['deleteFileInfo', () => acquisition.deleteFileInfo('a.txt', ['a'], aborted())],
      [
        'updateFileClassification',
        () => acquisition.updateFileClassification('a.txt', { Custom: ['x'] }, aborted()),
      ],
      ['deleteFile', () => acquisition.deleteFile('a.txt', aborted())],
      [
        'addPermission',
        () => project.addPermission({ _id: 'nobody@example.com', role_ids: [] }, aborted()),
      ],
      ['getPermission', () => group.getPermission('nobody@example.com', aborted())],
      ['addSessions', () => collection.addSessions([session], aborted())],
      ['file.reload', () => file.reload(aborted())],
      ['file.getVersions', () => file.getVersions(aborted())],
      ['file.addTag', () => file.addTag('t', aborted())],
      ['file.getInfo', () => file.getInfo(aborted())],
      ['file.updateInfo', () => file.updateInfo({ a: 1 }, aborted())],
      ['file.deleteInfo', () => file.deleteInfo(['a'], aborted())],
      ['file.updateClassification', () => file.updateClassification({ Custom: ['x'] }, aborted())],
      ['file.getZipInfo', () => file.getZipInfo(aborted())],
      ['file.read', () => file.read(aborted())],
      ['file.url', () => file.url(aborted())],
      ['file.update', () => file.update({ modality: 'MR' }, aborted())],
      ['file.delete', () => file.delete(aborted())],
    ];
    const outcomes = await Promise.all(
      calls.map(async ([name, call]) => [
        name,
        await call().then(
          () => 'resolved',
          (e: Error) => e.name,
        ),
      ]),
    );
    expect(Object.fromEntries(outcomes)).toEqual(
      Object.fromEntries(calls.map(([name]) => [name, 'ApiAbortError'])),
    );
    // nothing was changed: the file is still there, with no tag, and the project has no tag
    expect((await acquisition.reload()).files?.map((f) => f.name)).toEqual(['a.txt']);
    expect((await project.reload()).tags).toEqual([]);
    expect((await file.reload()).tags).toEqual([]);
  });

  it('maxRetries and timeoutMs reach the request', async () => {
    let attempts = 0;
    const busy = new Client(ctx.server.apiKey, {
      disableAuthCheck: true,
      fetch: async (req) => {
        if (req.method === 'GET' && new URL(req.url).pathname.endsWith(`/projects/${project.id}`)) {
          attempts += 1;
          return new Response('{"message":"busy"}', {
            status: 503,
            headers: { 'content-type': 'application/json', 'retry-after': '0' },
          });
        }
        return fetch(req);
      },
    });
    const viaBusy = (await busy.getSession(session.id)) as Session;
    const projectViaBusy = (await busy.projects.findOne(`label=${project.label}`)) as Project;
    expect(viaBusy.id).toBe(session.id);
    await expect(projectViaBusy.reload({ maxRetries: 0 })).rejects.toMatchObject({ status: 503 });
    expect(attempts).toBe(1);
    attempts = 0;
    await expect(projectViaBusy.reload({ maxRetries: 1 })).rejects.toMatchObject({ status: 503 });
    expect(attempts).toBe(2);

    const slow = new Client(ctx.server.apiKey, {
      disableAuthCheck: true,
      fetch: (req) =>
        new Promise((resolve, reject) => {
          const t = setTimeout(() => resolve(fetch(req)), 2000);
          req.signal.addEventListener('abort', () => {
            clearTimeout(t);
            reject(req.signal.reason);
          });
        }),
    });
    const started = Date.now();
    const projectViaSlow = (await busy.projects.findOne(`label=${project.label}`)) as Project;
    Object.defineProperty(projectViaSlow, '_client', { value: slow });
    await expect(projectViaSlow.reload({ timeoutMs: 50, maxRetries: 0 })).rejects.toMatchObject({
      name: 'ApiTimeoutError',
    });
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
