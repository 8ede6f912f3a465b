import Database from 'better-sqlite3';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hierarchy, useServer } from './helpers/server.js';

// Issue 12: a template change and what it propagates are one transaction. A write that fails
// part-way (injected here with a trigger on one row) leaves the template and every container
// as they were, and the caller gets an error instead of a half-applied change.
const t = useServer();
const MEMBER = 'atomic-member@example.org';
let rw: string;

beforeAll(async () => {
  await t.createUser(MEMBER);
  const roles = await t.ok('GET', '/roles');
  rw = roles.find((r: any) => r.default_flywheel_role === 'rw')._id;
});

/** Make every update of container `id` fail until the returned function is called. */
function failUpdatesOf(id: string): () => void {
  const db = new Database(join(t.server.dataDir, 'flywheel.sqlite'));
  db.exec(`CREATE TRIGGER fail_update BEFORE UPDATE ON containers WHEN OLD.id = '${id}'
    BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
  return () => {
    db.exec('DROP TRIGGER fail_update');
    db.close();
  };
}

const raw = (method: string, path: string, body?: unknown) =>
  fetch(t.url + path, {
    method,
    headers: { Authorization: `scitran-user ${t.adminKey}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('template changes are all or nothing', () => {
  it('a propagated permission template that fails on one project changes nothing', async () => {
    const h = await hierarchy(t);
    const { _id: second } = await t.ok('POST', '/projects', {
      body: { group: h.group, label: 'fails on update' },
    });
    const restore = failUpdatesOf(second);
    try {
      const r = await raw('POST', `/groups/${h.group}/permissions/templates?propagate=true`, {
        _id: MEMBER,
        role_ids: [rw],
      });
      expect(r.status).toBeGreaterThanOrEqual(500);
    } finally {
      restore();
    }
    const entry = await t.call('GET', `/groups/${h.group}/permissions/templates/${MEMBER}`);
    expect(entry.status, 'the template entry was not saved').toBe(404);
    for (const p of [h.project, second]) {
      const doc = await t.ok('GET', `/projects/${p}`);
      expect(
        doc.permissions.some((x: any) => x._id === MEMBER),
        p,
      ).toBe(false);
    }
    // with the failure gone the same call works and reaches both projects
    await t.ok('POST', `/groups/${h.group}/permissions/templates?propagate=true`, {
      body: { _id: MEMBER, role_ids: [rw] },
    });
    for (const p of [h.project, second]) {
      const doc = await t.ok('GET', `/projects/${p}`);
      expect(doc.permissions.find((x: any) => x._id === MEMBER)?.role_ids, p).toEqual([rw]);
    }
  });

  it('a session template whose recalculation fails is not saved', async () => {
    const h = await hierarchy(t);
    const restore = failUpdatesOf(h.session);
    try {
      const r = await raw('POST', `/projects/${h.project}/template`, {
        templates: [{ session: { label: '^never$' } }],
      });
      expect(r.status).toBeGreaterThanOrEqual(500);
    } finally {
      restore();
    }
    const project = await t.ok('GET', `/projects/${h.project}`);
    expect(project.templates ?? []).toEqual([]);
    const session = await t.ok('GET', `/sessions/${h.session}`);
    expect(session.project_has_template ?? false).toBe(false);
  });
});
