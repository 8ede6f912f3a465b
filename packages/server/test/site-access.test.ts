import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { implementedOperations, startServer } from '../src/index.js';
import { form, hierarchy, useServer } from './helpers/server.js';

// Issue 12 §2: public data without a key, other users' permissions, propagation, gear
// developers, device (drone) keys.
const DRONE_SECRET = 'test-drone-secret-for-this-file';
process.env.FW_DRONE_SECRET = DRONE_SECRET;

const t = useServer();
const MEMBER = 'member@example.org';
const OTHER = 'someone@example.org';
let member: string;
let roles: Record<'admin' | 'rw' | 'ro', string>;
let pub: Awaited<ReturnType<typeof hierarchy>>;
let priv: Awaited<ReturnType<typeof hierarchy>>;

beforeAll(async () => {
  member = await t.createUser(MEMBER);
  await t.createUser(OTHER);
  const list = await t.ok('GET', '/roles');
  const id = (k: string) => list.find((r: any) => r.default_flywheel_role === k)._id as string;
  roles = { admin: id('admin'), rw: id('rw'), ro: id('ro') };
  pub = await hierarchy(t, { project: 'open data' });
  priv = await hierarchy(t, { project: 'closed data' });
  await t.ok('PUT', `/projects/${pub.project}`, { body: { public: true } });
  for (const h of [pub, priv])
    await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
      raw: form([{ name: 'scan.txt', data: `bytes of ${h.project}` }]),
    });
});

describe('without a key', () => {
  it('public projects and their contents are readable; GET /projects lists only them', async () => {
    const listed = (await t.ok('GET', '/projects', { key: null })).map((p: any) => p._id);
    expect(listed).toContain(pub.project);
    expect(listed).not.toContain(priv.project);
    for (const [kind, id] of [
      ['projects', pub.project],
      ['subjects', pub.subject],
      ['sessions', pub.session],
      ['acquisitions', pub.acquisition],
    ]) {
      const doc = await t.ok('GET', `/${kind}/${id}`, { key: null });
      expect(doc._id).toBe(id);
      expect(doc.permissions, `${kind}: who has access is not public`).toEqual([]);
    }
    const sessions = (await t.ok('GET', `/projects/${pub.project}/sessions`, { key: null })).map(
      (s: any) => s._id,
    );
    expect(sessions).toEqual([pub.session]);
    // nor through the subject a session embeds, in a list or on its own
    const listed2 = await t.ok('GET', `/projects/${pub.project}/sessions`, { key: null });
    const single = await t.ok('GET', `/sessions/${pub.session}`, { key: null });
    for (const s of [listed2[0], single]) {
      expect(s.subject._id).toBe(pub.subject);
      expect(s.subject.permissions, 'embedded subject').toEqual([]);
    }
    // and the session's subject read on its own (a route outside the spec: plain fetch)
    const bySession = await fetch(`${t.url}/sessions/${pub.session}/subject`);
    expect(bySession.status).toBe(200);
    expect(((await bySession.json()) as { permissions: unknown[] }).permissions).toEqual([]);
    const withKey = await t.ok('GET', `/sessions/${pub.session}`);
    expect(withKey.subject.permissions.length).toBeGreaterThan(0);
    const file = await t.call('GET', `/acquisitions/${pub.acquisition}/files/scan.txt`, {
      key: null,
    });
    expect(file.status).toBe(200);
    expect(file.bytes.toString()).toBe(`bytes of ${pub.project}`);
  });

  it('private data and every write answer 401', async () => {
    for (const [kind, id] of [
      ['projects', priv.project],
      ['subjects', priv.subject],
      ['sessions', priv.session],
      ['acquisitions', priv.acquisition],
    ]) {
      const r = await t.call('GET', `/${kind}/${id}`, { key: null });
      expect(r.status, kind).toBe(401);
    }
    expect(
      (await t.call('GET', `/acquisitions/${priv.acquisition}/files/scan.txt`, { key: null }))
        .status,
    ).toBe(401);
    expect(
      (await t.call('PUT', `/projects/${pub.project}`, { key: null, body: { label: 'x' } })).status,
    ).toBe(401);
    expect((await t.call('GET', '/groups', { key: null })).status).toBe(401);
    expect((await t.call('GET', '/users/self', { key: null })).status).toBe(401);
  });

  it('a logged-in user without a permission reads public projects too', async () => {
    expect((await t.ok('GET', `/sessions/${pub.session}`, { key: member }))._id).toBe(pub.session);
    expect((await t.call('GET', `/sessions/${priv.session}`, { key: member })).status).toBe(403);
  });

  it('without a key every operation answers 401 (404 for what does not exist; reads: public data only)', async () => {
    const spec = JSON.parse(
      readFileSync(
        fileURLToPath(new URL('../../../openapi/flywheel.openapi.json', import.meta.url)),
        'utf8',
      ),
    ) as Record<string, any>;
    const idFor: Record<string, string> = {
      projects: priv.project,
      subjects: priv.subject,
      sessions: priv.session,
      acquisitions: priv.acquisition,
      groups: priv.group,
      containers: priv.session,
    };
    const open = new Set(['get_version', 'upload_by_fs_token']);
    const bad: string[] = [];
    for (const [path, item] of Object.entries(spec.paths as Record<string, any>)) {
      for (const method of ['get', 'put', 'post', 'delete', 'patch']) {
        const op = item[method];
        if (!op || open.has(op.operationId)) continue;
        const first = path.split('/')[1] ?? '';
        let n = 0;
        const url = path.replace(/\{[^}]+\}/g, () => (n++ === 0 ? (idFor[first] ?? 'x') : 'x'));
        const r = await fetch(t.url + url, {
          method: method.toUpperCase(),
          headers: { 'Content-Type': 'application/json' },
          body: method === 'get' || method === 'delete' ? undefined : '{}',
        });
        const text = await r.text();
        // lists answer 200 with public data only: nothing of the private hierarchy
        const leak = Object.values(idFor).some((id) => text.includes(id));
        if (r.status < 300 && r.status >= 200 && !leak && method === 'get') continue;
        // the rule (README, Access): no key is 401, never 403 (that is for a key lacking
        // access) and never 5xx
        if (![401, 404].includes(r.status)) bad.push(`${op.operationId} ${url} → ${r.status}`);
      }
    }
    expect(bad).toEqual([]);
  }, 120_000);
});

describe('with a key lacking access', () => {
  it('no operation answers 401 or 5xx (but 501 for the unimplemented), and no 2xx shows private data', async () => {
    const spec = JSON.parse(
      readFileSync(
        fileURLToPath(new URL('../../../openapi/flywheel.openapi.json', import.meta.url)),
        'utf8',
      ),
    ) as Record<string, any>;
    // a user of its own, so that nothing this sweep changes touches the other tests' users
    const key = await t.createUser('sweep-nobody@example.org');
    const idFor: Record<string, string> = {
      projects: priv.project,
      subjects: priv.subject,
      sessions: priv.session,
      acquisitions: priv.acquisition,
      groups: priv.group,
      containers: priv.session,
    };
    const implemented = new Set(implementedOperations());
    const bad: string[] = [];
    let forbidden = 0;
    for (const [path, item] of Object.entries(spec.paths as Record<string, any>)) {
      // the caller's own user document and key are not private data (and a key rotation
      // would end the sweep)
      if (path.startsWith('/users/self')) continue;
      for (const method of ['get', 'put', 'post', 'delete', 'patch']) {
        const op = item[method];
        if (!op) continue;
        const first = path.split('/')[1] ?? '';
        let n = 0;
        const url = path.replace(/\{[^}]+\}/g, () => (n++ === 0 ? (idFor[first] ?? 'x') : 'x'));
        const r = await fetch(t.url + url, {
          method: method.toUpperCase(),
          headers: { 'Content-Type': 'application/json', Authorization: `scitran-user ${key}` },
          body: method === 'get' || method === 'delete' ? undefined : '{}',
        });
        const text = await r.text();
        const leak = Object.values(idFor).some((id) => text.includes(id));
        if (r.status === 403) forbidden++;
        if (r.status === 501 && !implemented.has(op.operationId)) continue;
        if (r.status === 401 || r.status >= 500 || (r.status < 300 && leak))
          bad.push(`${op.operationId} ${url} → ${r.status}`);
      }
    }
    expect(bad).toEqual([]);
    // the private hierarchy's own routes answer 403 (not a 404 that hides nothing)
    expect(forbidden).toBeGreaterThan(100);
  }, 120_000);
});

describe('permissions of other users', () => {
  it('a read-write member cannot read another user’s entry; only admins change permissions', async () => {
    const h = await hierarchy(t);
    await t.ok('POST', `/projects/${h.project}/permissions`, {
      body: { _id: MEMBER, role_ids: [roles.rw] },
    });
    await t.ok('POST', `/projects/${h.project}/permissions`, {
      body: { _id: OTHER, role_ids: [roles.ro] },
    });
    const own = await t.ok('GET', `/projects/${h.project}/permissions/${MEMBER}`, { key: member });
    expect(own.role_ids).toEqual([roles.rw]);
    const r = await t.call('GET', `/projects/${h.project}/permissions/${OTHER}`, { key: member });
    expect(r.status).toBe(403);
    const w = await t.call('PUT', `/projects/${h.project}/permissions/${OTHER}`, {
      key: member,
      body: { role_ids: [roles.rw] },
    });
    expect(w.status).toBe(403);
    // adding and removing entries is for admins too; the entries are unchanged
    const add = await t.call('POST', `/projects/${h.project}/permissions`, {
      key: member,
      body: { _id: OTHER, role_ids: [roles.admin] },
    });
    expect(add.status).toBe(403);
    const del = await t.call('DELETE', `/projects/${h.project}/permissions/${OTHER}`, {
      key: member,
    });
    expect(del.status).toBe(403);
    expect((await t.ok('GET', `/projects/${h.project}/permissions/${OTHER}`)).role_ids).toEqual([
      roles.ro,
    ]);
    // group entries likewise
    await t.ok('POST', `/groups/${h.group}/permissions`, { body: { _id: MEMBER, access: 'rw' } });
    await t.ok('POST', `/groups/${h.group}/permissions`, { body: { _id: OTHER, access: 'ro' } });
    expect(
      (await t.call('GET', `/groups/${h.group}/permissions/${OTHER}`, { key: member })).status,
    ).toBe(403);
    expect(
      (
        await t.call('PUT', `/groups/${h.group}/permissions/${OTHER}`, {
          key: member,
          body: { access: 'admin' },
        })
      ).status,
    ).toBe(403);
    expect(
      (await t.ok('GET', `/groups/${h.group}/permissions/${MEMBER}`, { key: member })).access,
    ).toBe('rw');
  });
});

describe('propagation', () => {
  it('a project’s permissions and public flag govern its subjects, sessions and acquisitions', async () => {
    const h = await hierarchy(t);
    for (const path of [`/subjects/${h.subject}`, `/acquisitions/${h.acquisition}`])
      expect((await t.call('GET', path, { key: member })).status).toBe(403);
    await t.ok('POST', `/projects/${h.project}/permissions`, {
      body: { _id: MEMBER, role_ids: [roles.ro] },
    });
    for (const path of [`/subjects/${h.subject}`, `/acquisitions/${h.acquisition}`])
      expect((await t.call('GET', path, { key: member })).status).toBe(200);
    const session = await t.ok('GET', `/sessions/${h.session}`, { key: member });
    expect(session.permissions.find((p: any) => p._id === MEMBER).role_ids).toEqual([roles.ro]);
    const subject = await t.ok('GET', `/subjects/${h.subject}`, { key: member });
    expect(subject.permissions.some((p: any) => p._id === MEMBER)).toBe(true);
    // public reaches the subtree; unset again, it is gone
    await t.ok('PUT', `/projects/${h.project}`, { body: { public: true } });
    expect((await t.call('GET', `/acquisitions/${h.acquisition}`, { key: null })).status).toBe(200);
    await t.ok('PUT', `/projects/${h.project}`, { body: { public: false } });
    expect((await t.call('GET', `/acquisitions/${h.acquisition}`, { key: null })).status).toBe(401);
  });

  it('a permission template added with propagate reaches the group’s existing projects', async () => {
    const h = await hierarchy(t);
    await t.ok('POST', `/groups/${h.group}/permissions/templates?propagate=true`, {
      body: { _id: MEMBER, role_ids: [roles.ro] },
    });
    const p = await t.ok('GET', `/projects/${h.project}`);
    expect(p.permissions.find((x: any) => x._id === MEMBER).role_ids).toEqual([roles.ro]);
    expect((await t.call('GET', `/sessions/${h.session}`, { key: member })).status).toBe(200);
  });

  it('renaming or deleting a group tag reaches the group’s projects', async () => {
    const h = await hierarchy(t);
    await t.ok('POST', `/groups/${h.group}/tags`, { body: { value: 'lab' } });
    await t.ok('POST', `/projects/${h.project}/tags`, { body: { value: 'lab' } });
    await t.ok('PUT', `/groups/${h.group}/tags/lab`, { body: { value: 'lab-2' } });
    expect((await t.ok('GET', `/projects/${h.project}`)).tags).toEqual(['lab-2']);
    await t.ok('DELETE', `/groups/${h.group}/tags/lab-2`);
    expect((await t.ok('GET', `/projects/${h.project}`)).tags).toEqual([]);
  });
});

describe('gear developers', () => {
  it('a user with the developer site role can add gears; a plain user cannot', async () => {
    const gear = {
      category: 'analysis',
      gear: { name: 'dev-gear', label: 'Dev', version: '0.1.0', inputs: {}, config: {} },
    };
    expect((await t.call('POST', '/gears/dev-gear', { key: member, body: gear })).status).toBe(403);
    await t.ok('PUT', `/users/${MEMBER}`, { body: { roles: ['user', 'developer'] } });
    const { _id } = await t.ok('POST', '/gears/dev-gear', { key: member, body: gear });
    expect((await t.ok('GET', `/gears/${_id}`)).gear.name).toBe('dev-gear');
  });
});

describe('keys for other users', () => {
  it('over HTTP only: a site admin creates a user, issues a key for them, and the user acts with it', async () => {
    const id = 'made-over-http@example.org';
    await t.ok('POST', '/users', { body: { _id: id, firstname: 'Made', lastname: 'Here' } });
    const issued = await t.ok('POST', `/users/self/key?user_id=${encodeURIComponent(id)}`, {
      body: { label: 'script key' },
    });
    expect(typeof issued.key).toBe('string');
    const self = await t.ok('GET', '/users/self', { key: issued.key });
    expect(self._id).toBe(id);
    expect(self.root).not.toBe(true);
    // a plain user: no access to the private project until granted
    expect((await t.call('GET', `/projects/${priv.project}`, { key: issued.key })).status).toBe(
      403,
    );
    await t.ok('POST', `/projects/${priv.project}/permissions`, {
      body: { _id: id, role_ids: [roles.ro] },
    });
    expect((await t.ok('GET', `/projects/${priv.project}`, { key: issued.key }))._id).toBe(
      priv.project,
    );
  });

  it('startServer({ users }) seeds users with keys (root ones are site admins)', async () => {
    const seeded = await startServer({
      port: 0,
      users: [{ id: 'seed-admin@example.org', root: true }, { id: 'seed-user@example.org' }],
    });
    try {
      const as = async (id: string, path: string, body?: unknown) =>
        fetch(seeded.url + path, {
          method: body ? 'POST' : 'GET',
          headers: {
            Authorization: `scitran-user ${seeded.users[id]!.apiKey}`,
            'Content-Type': 'application/json',
          },
          body: body ? JSON.stringify(body) : undefined,
        });
      const status = await (await as('seed-admin@example.org', '/auth/status')).json();
      expect(status).toMatchObject({ user_is_admin: true });
      const plain = await (await as('seed-user@example.org', '/users/self')).json();
      expect(plain._id).toBe('seed-user@example.org');
      // a site-admin operation tells the two apart
      const made = { _id: 'made-by-seed@example.org', firstname: 'M', lastname: 'S' };
      expect((await as('seed-user@example.org', '/users', made)).status).toBe(403);
      expect((await as('seed-admin@example.org', '/users', made)).status).toBe(200);
    } finally {
      await seeded.close();
    }
  });
});

describe('device and drone keys', () => {
  const drone = (secret = DRONE_SECRET) => ({
    'X-SciTran-Auth': secret,
    'X-SciTran-Method': 'reaper',
    'X-SciTran-Name': 'scanner-7',
  });

  it('the drone login of python-sdk §2.8: auth status, device key, then acting with the key', async () => {
    const status = await t.ok('GET', '/auth/status', { key: null, headers: drone() });
    expect(status.is_device).toBe(true);
    expect(status.origin.type).toBe('device');
    const id = status.origin.id as string;
    const device = await t.ok('GET', `/devices/${id}`, { key: null, headers: drone() });
    expect(device.type).toBe('reaper');
    expect(device.name).toBe('scanner-7');
    expect(typeof device.key).toBe('string');
    // the same login finds the same device
    expect((await t.ok('GET', '/auth/status', { key: null, headers: drone() })).origin.id).toBe(id);
    // the key is never shown to anyone else
    expect((await t.ok('GET', `/devices/${id}`)).key).toBeUndefined();
    const asDevice = await t.ok('GET', '/auth/status', { key: `localhost:1:${device.key}` });
    expect(asDevice).toMatchObject({ is_device: true, origin: { type: 'device', id } });
    expect((await t.ok('GET', '/devices/self', { key: device.key }))._id).toBe(id);
    const updated = await t.ok('PUT', '/devices/self', {
      key: device.key,
      body: { interval: 60, version: '1.2', errors: [] },
    });
    expect(updated.interval).toBe(60);
    expect((await t.ok('GET', '/devices/status'))[id].status).toBe('ok');
    // devices place data like a drone does
    expect((await t.ok('GET', `/projects/${priv.project}`, { key: device.key }))._id).toBe(
      priv.project,
    );
  });

  it('a wrong secret, a user at /devices/self and a deleted key answer 401/403', async () => {
    expect(
      (await t.call('GET', '/auth/status', { key: null, headers: drone('wrong') })).status,
    ).toBe(401);
    expect((await t.call('GET', '/devices/self')).status).toBe(403);
    const { _id } = await t.ok('POST', '/devices', { body: { label: 'uploader', type: 'cli' } });
    const made = await t.ok('POST', `/devices/${_id}/key`, { body: { label: 'ci' } });
    expect(typeof made.unencrypted_secret).toBe('string');
    expect((await t.ok('GET', '/auth/status', { key: made.unencrypted_secret })).is_device).toBe(
      true,
    );
    const listed = (await t.ok('GET', '/devices?join_keys=true')).find((d: any) => d._id === _id);
    expect(listed.api_keys.map((k: any) => k.key)).toEqual([made.key]);
    expect(JSON.stringify(listed)).not.toContain(made.unencrypted_secret);
    expect((await t.call('DELETE', `/devices/${_id}/key/${made.key}`)).status).toBe(204);
    expect((await t.call('GET', '/auth/status', { key: made.unencrypted_secret })).status).toBe(
      401,
    );
    expect((await t.call('POST', `/devices/${_id}/key`, { key: member, body: {} })).status).toBe(
      403,
    );
  });
});
