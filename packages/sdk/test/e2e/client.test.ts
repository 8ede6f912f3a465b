/** Client construction, get / resolve / lookup, current user, raw calls, generated methods. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as neutral from '../../src/index.js';
import {
  Acquisition,
  ApiKeyError,
  Client,
  ConfigurationError,
  FileEntry,
  FileSpec,
  Gear,
  Group,
  NotFoundError,
  Project,
  Session,
  Subject,
  User,
} from '../../src/node.js';
import { groupId, uniq, useServer } from '../helpers/server.js';

describe('Client construction', () => {
  const ctx = useServer();

  it('takes an API key in SDK format and derives the base URL', () => {
    const fw = new Client(ctx.server.apiKey);
    expect(fw.baseUrl).toBe(ctx.server.url);
  });

  it('rejects a malformed key before any request', () => {
    expect(() => new Client('nocolon')).toThrow(ApiKeyError);
  });

  it('the runtime-neutral Client without a key explains how to log in', () => {
    const err = (() => {
      try {
        new neutral.Client();
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err!.message).toMatch(/No API key given/);
    expect(err!.message).toMatch(/fw login/);
    expect(err!.message).toMatch(/@fw\/sdk\/node/);
  });

  it('the Node Client without a key reads the CLI credentials from ~/.config/flywheel/user.json', async () => {
    const home = mkdtempSync(join(tmpdir(), 'fw-home-'));
    const old = process.env['HOME'];
    try {
      process.env['HOME'] = home;
      expect(() => new Client()).toThrow(/fw login/);
      mkdirSync(join(home, '.config', 'flywheel'), { recursive: true });
      writeFileSync(
        join(home, '.config', 'flywheel', 'user.json'),
        JSON.stringify({ key: ctx.server.apiKey }),
      );
      const fw = new Client();
      const me = await fw.getCurrentUser();
      expect(me.id).toBe((await ctx.fw.getCurrentUser()).id);
    } finally {
      process.env['HOME'] = old;
    }
  });

  it('accepts baseUrl, timeoutMs, maxRetries and a custom fetch', async () => {
    const seen: string[] = [];
    const fw = new Client(ctx.server.apiKey, {
      baseUrl: ctx.server.url,
      timeoutMs: 10_000,
      maxRetries: 0,
      fetch: (req) => {
        seen.push(`${req.method} ${new URL(req.url).pathname} ${req.headers.get('user-agent')}`);
        return fetch(req);
      },
      userAgent: 'sdk-tests/1',
    });
    await fw.getCurrentUser();
    expect(seen).toHaveLength(2); // the key check, then the call
    expect(seen[0]).toMatch(/^GET \/api\/auth\/status sdk-tests\/1 @fw\/sdk\//);
    expect(seen[1]).toMatch(/^GET \/api\/users\/self sdk-tests\/1 @fw\/sdk\//);
  });

  it('two clients with different keys do not interfere', async () => {
    const other = await ctx.server.createUser({
      id: `${uniq('u')}@example.org`,
      firstname: 'Other',
    });
    const fw2 = new Client(other.apiKey);
    expect((await fw2.getCurrentUser()).id).toBe(other.id);
    expect((await ctx.fw.getCurrentUser()).id).not.toBe(other.id);
  });
});

describe('Client methods', () => {
  const ctx = useServer();

  async function tree() {
    const fw = ctx.fw;
    const gid = await fw.addGroup({ _id: groupId(), label: 'Tree group' });
    const group = (await fw.get(gid)) as Group;
    const project = await group.addProject({ label: 'Anxiety Study' });
    const subject = await project.addSubject({ label: 'sub-01', code: 'sub-01' });
    const session = await subject.addSession({ label: 'Session 1' });
    const acquisition = await session.addAcquisition({ label: 'T1w' });
    await acquisition.uploadFile(new FileSpec('scan.txt', 'data'));
    return { gid, group, project, subject, session, acquisition };
  }

  it('getCurrentUser returns a User with the API key details', async () => {
    const me = await ctx.fw.getCurrentUser();
    expect(me).toBeInstanceOf(User);
    expect(me.id).toBe(me._id);
    expect(typeof me.firstname).toBe('string');
  });

  it('get(id) returns the typed object for every container kind, equal to the typed getter', async () => {
    const t = await tree();
    const fw = ctx.fw;
    const cases: [string, Function, () => Promise<unknown>][] = [
      [t.project.id, Project, () => fw.getProject(t.project.id)],
      [t.subject.id, Subject, () => fw.getSubject(t.subject.id)],
      [t.session.id, Session, () => fw.getSession(t.session.id)],
      [t.acquisition.id, Acquisition, () => fw.getAcquisition(t.acquisition.id)],
    ];
    for (const [id, cls, typed] of cases) {
      const obj = await fw.get(id);
      expect(obj).toBeInstanceOf(cls);
      expect(obj.id).toBe(id);
      const viaTyped = (await typed()) as { toData(): Record<string, unknown> };
      expect(obj.toData()).toEqual(viaTyped.toData());
    }
    const g = await fw.get(t.gid);
    expect(g).toBeInstanceOf(Group);
    expect(g.container_type).toBe('group');
    expect(g.label).toBe('Tree group');
  });

  it('get(id) of an unknown id throws NotFoundError', async () => {
    await expect(ctx.fw.get('000000000000000000000000')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('resolve walks labels (string or array) and lists children', async () => {
    const t = await tree();
    const r1 = await ctx.fw.resolve([t.gid]);
    expect(r1.path).toHaveLength(1);
    expect(r1.path[0]).toBeInstanceOf(Group);
    expect(r1.children.map((c) => c.constructor)).toEqual([Project]);

    const r2 = await ctx.fw.resolve(`${t.gid}/Anxiety Study`);
    const project = r2.path[r2.path.length - 1] as Project;
    expect(project).toBeInstanceOf(Project);
    expect(project.id).toBe(t.project.id);
    expect(r2.children.some((c) => c instanceof Subject && c.id === t.subject.id)).toBe(true);

    const r3 = await ctx.fw.resolve([t.gid, 'Anxiety Study', 'sub-01', 'Session 1', 'T1w']);
    const files = r3.children.filter((c): c is FileEntry => c instanceof FileEntry);
    expect(files.map((f) => f.name)).toEqual(['scan.txt']);
    expect(files[0]!.parent?.id).toBe(t.acquisition.id);
    expect(new TextDecoder().decode(await files[0]!.read())).toBe('data');
  });

  it('resolve accepts <id:ID> segments', async () => {
    const t = await tree();
    const r = await ctx.fw.resolve([t.gid, `<id:${t.project.id}>`]);
    expect(r.path[1]!.id).toBe(t.project.id);
  });

  it('lookup returns the object at a path; files are addressed under "files"', async () => {
    const t = await tree();
    const project = await ctx.fw.lookup(`${t.gid}/Anxiety Study`);
    expect(project).toBeInstanceOf(Project);
    expect(project.id).toBe(t.project.id);
    const file = await ctx.fw.lookup([
      t.gid,
      'Anxiety Study',
      'sub-01',
      'Session 1',
      'T1w',
      'files',
      'scan.txt',
    ]);
    expect(file).toBeInstanceOf(FileEntry);
    expect((file as FileEntry).parent?.id).toBe(t.acquisition.id);
    expect((file as FileEntry).ref()).toEqual({
      type: 'acquisition',
      id: t.acquisition.id,
      name: 'scan.txt',
    });
    await expect(ctx.fw.lookup(`${t.gid}/No Such Project`)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('fileUrl gives a download URL for a file path', async () => {
    const t = await tree();
    const url = await ctx.fw.fileUrl([
      t.gid,
      'Anxiety Study',
      'sub-01',
      'Session 1',
      'T1w',
      'files',
      'scan.txt',
    ]);
    expect(await (await fetch(url)).text()).toBe('data');
    await expect(ctx.fw.fileUrl([t.gid, 'Anxiety Study'])).rejects.toThrow(/not a file/);
  });

  it('generated methods: create calls return the id, getters return objects, raw data otherwise', async () => {
    const fw = ctx.fw;
    const gid = await fw.addGroup({ _id: groupId(), label: 'Gen' });
    expect(typeof gid).toBe('string');
    const pid = await fw.addProject({ group: gid, label: 'P' });
    expect(pid).toMatch(/^[0-9a-f]{24}$/);
    const p = await fw.getProject(pid);
    expect(p).toBeInstanceOf(Project);
    expect(p.created).toBeInstanceOf(Date);
    const result = await fw.modifyProject(pid, { label: 'P2' });
    expect(result).toEqual(expect.objectContaining({ modified: 1 }));
    expect((await fw.getProject(pid)).label).toBe('P2');
    const version = await fw.getVersion();
    expect(version).not.toBeInstanceOf(Project);
    expect(typeof version).toBe('object');
  });

  it('x-sdk-default values are sent when omitted (search simple=true)', async () => {
    const urls: string[] = [];
    const fw = new Client(ctx.server.apiKey, {
      fetch: (req) => {
        urls.push(req.url);
        return fetch(req);
      },
    });
    // v21 declares one such default on search (simple=true); get_all_projects has none.
    await fw.getAllProjects();
    await fw.search({ structured_query: 'project.label = x', return_type: 'project' });
    await fw.search(
      { structured_query: 'project.label = x', return_type: 'project' },
      { simple: false },
    );
    const projects = urls.filter((u) => new URL(u).pathname === '/api/projects');
    expect(new URL(projects[0]!).searchParams.has('limit')).toBe(false);
    const searches = urls.filter((u) => new URL(u).pathname === '/api/dataexplorer/search');
    expect(new URL(searches[0]!).searchParams.get('simple')).toBe('true');
    expect(new URL(searches[1]!).searchParams.get('simple')).toBe('false');
  });

  it('unknown options are refused before any request', async () => {
    await expect(ctx.fw.getAllProjects({ nope: 1 } as never)).rejects.toThrow(
      /unknown option "nope"/,
    );
  });

  it('client.api is the typed @fw/api client for raw calls', async () => {
    const t = await tree();
    const { data } = await ctx.fw.api.GET('/projects/{project_id}', {
      params: { path: { project_id: t.project.id } },
    });
    expect(data.label).toBe('Anxiety Study');
  });

  it('getModality and getAllModalities', async () => {
    const fw = ctx.fw;
    const mods = await fw.getAllModalities();
    expect(Array.isArray(mods)).toBe(true);
    const id = await fw.addModality({
      _id: uniq('MOD').replace(/-/g, '_'),
      classification: { Intent: ['Structural'] },
    });
    const m = await fw.getModality(id);
    expect(m._id).toBe(id);
    expect(m.classification).toEqual({ Intent: ['Structural'] });
    expect((await fw.getAllModalities()).some((x) => x._id === id)).toBe(true);
  });

  it('gears are reachable by lookup', async () => {
    const name = uniq('gear').toLowerCase();
    await ctx.fw.addGear(name, {
      category: 'utility',
      exchange: {
        'git-commit': 'local',
        'rootfs-hash': 'sha384:0',
        'rootfs-url': 'docker://local',
      },
      gear: {
        name,
        version: '1.0.0',
        label: 'G',
        author: 'Flywheel',
        description: 'A test gear',
        license: 'MIT',
        config: {},
        inputs: {},
      },
    });
    const gear = await ctx.fw.lookup(`gears/${name}`);
    expect(gear).toBeInstanceOf(Gear);
  });
});
