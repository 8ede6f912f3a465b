import { beforeAll, describe, expect, it } from 'vitest';
import { hierarchy, useServer } from './helpers/server.js';

const t = useServer();
let h: Awaited<ReturnType<typeof hierarchy>>;
let userKey: string;

beforeAll(async () => {
  h = await hierarchy(t);
  userKey = await t.createUser('dev-user@example.com');
});

describe('devices', () => {
  it('POST /devices registers a device; GET/PUT/DELETE /devices/{device_id}; GET /devices/status', async () => {
    const d = await t.ok('POST', '/devices', { body: { label: 'Scanner reaper', type: 'reaper' } });
    expect(d).toMatchObject({
      label: 'Scanner reaper',
      type: 'reaper',
      disabled: false,
      storage_config: { storage_strategy: 'site' },
    });
    expect((await t.ok('GET', `/devices/${d._id}`)).label).toBe('Scanner reaper');
    expect((await t.ok('GET', '/devices')).map((x: any) => x._id)).toContain(d._id);
    expect((await t.ok('GET', '/devices?join_keys=true'))[0].api_keys).toEqual([]);
    expect((await t.ok('GET', '/devices/status'))[d._id]).toEqual({
      errors: [],
      status: 'unknown',
    });
    expect(
      (
        await t.call('PUT', `/devices/${d._id}`, {
          body: { storage_config: { storage_strategy: 'custom' } },
        })
      ).status,
    ).toBe(400);
    const m = await t.ok('PUT', `/devices/${d._id}`, { body: { disabled: true } });
    expect(m.disabled).toBe(true);
    expect((await t.ok('GET', '/devices/status'))[d._id]).toBeUndefined();
    expect(
      (await t.call('POST', '/devices', { body: { label: 'x', type: 'y' }, key: userKey })).status,
    ).toBe(403);
    expect((await t.call('DELETE', `/devices/${d._id}`)).status).toBe(204);
    expect((await t.call('GET', `/devices/${d._id}`)).status).toBe(404);
  });
});

describe('master subject codes', () => {
  it('POST /subjects/master-code answers one stable code per patient; GET /subjects/master-code/{code} verifies it', async () => {
    const a = await t.ok('POST', '/subjects/master-code', {
      body: { first_name: 'Ada', last_name: 'Lovelace', date_of_birth: '1815-12-10' },
    });
    expect(a.code).toMatch(/^FW[A-Z0-9]{8}$/);
    const b = await t.ok('POST', '/subjects/master-code', {
      body: { first_name: ' ada ', last_name: 'LOVELACE', date_of_birth: '1815-12-10' },
    });
    expect(b.code).toBe(a.code);
    const other = await t.ok('POST', '/subjects/master-code', {
      body: { patient_id: 'P-1', use_patient_id: true },
    });
    expect(other.code).not.toBe(a.code);
    expect(await t.ok('GET', `/subjects/master-code/${a.code}`)).toEqual({ code: a.code });
    expect((await t.call('GET', '/subjects/master-code/FWNOPE')).status).toBe(404);
    expect(
      (await t.call('POST', '/subjects/master-code', { body: { first_name: 'x' } })).status,
    ).toBe(400);
  });
});

describe('audit trail reports', () => {
  it('POST /audit-trail/reports builds a CSV of the project change log; GET …/csv downloads it', async () => {
    await t.ok('PUT', `/subjects/${h.subject}`, { body: { sex: 'female' } });
    const r = await t.ok('POST', '/audit-trail/reports', {
      body: { project_id: h.project, label: 'Audit' },
    });
    expect(r).toMatchObject({ project_id: h.project, label: 'Audit', status: 'complete' });
    expect(r.csv).toBeUndefined();
    const csv = await t.call('GET', `/audit-trail/reports/${r._id}/csv`);
    expect(csv.status).toBe(200);
    const text = csv.bytes.toString('utf8');
    expect(text.split('\n')[0]).toContain('container_id');
    expect(text).toContain(`subject,${h.subject}`);
    expect(text).toMatch(/UPDATE,\d+,sex/);
    expect((await t.ok('GET', '/audit-trail/reports')).map((x: any) => x._id)).toContain(r._id);
    expect(
      (await t.ok('GET', '/audit-trail/reports', { key: userKey })).map((x: any) => x._id),
    ).not.toContain(r._id);
    expect(
      (
        await t.call('POST', '/audit-trail/reports', {
          body: { project_id: h.project, label: 'x' },
          key: userKey,
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await t.call('POST', '/audit-trail/reports', {
          body: { project_id: h.project, label: 'x', subject_ids: ['0'.repeat(24)] },
        })
      ).status,
    ).toBe(400);
    expect(
      (await t.ok('PATCH', `/audit-trail/reports/${r._id}`, { body: { status: 'canceled' } }))
        .status,
    ).toBe('canceled');
    expect(await t.ok('DELETE', `/audit-trail/reports/${r._id}`)).toEqual({ deleted: 1 });
    expect((await t.call('GET', `/audit-trail/reports/${r._id}/csv`)).status).toBe(404);
  });
});

describe('reports', () => {
  it('GET /report/site counts projects and sessions per group (site admins only)', async () => {
    const r = await t.ok('GET', '/report/site');
    expect(r.group_count).toBeGreaterThanOrEqual(1);
    const g = r.groups.find((x: any) => x.label === `Group ${h.group}`);
    expect(g).toEqual({ label: `Group ${h.group}`, project_count: 1, session_count: 1 });
    expect((await t.call('GET', '/report/site', { key: userKey })).status).toBe(403);
  });

  it('GET /report/project counts sessions, subjects and demographics of the projects', async () => {
    await t.ok('PUT', `/subjects/${h.subject}`, { body: { sex: 'female' } });
    const r = await t.ok('GET', `/report/project?projects=${h.project}`);
    expect(r.projects).toHaveLength(1);
    expect(r.projects[0]).toMatchObject({
      name: 'Project',
      session_count: 1,
      subjects_count: 1,
      female_count: 1,
      male_count: 0,
    });
    expect(r.projects[0].admins.map((a: any) => a._id)).toContain('admin@local.flywheel');
    expect(
      (await t.ok('GET', `/report/project?projects=${h.project}&start_date=2999-01-01T00:00:00Z`))
        .projects[0].session_count,
    ).toBe(0);
    expect(
      (await t.call('GET', `/report/project?projects=${h.project}`, { key: userKey })).status,
    ).toBe(403);
  });
});
