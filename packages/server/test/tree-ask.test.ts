import { describe, expect, it } from 'vitest';
import { form, hierarchy, useServer } from './helpers/server.js';

const t = useServer();

describe('tree', () => {
  it('GET /tree/graph describes the container connections', async () => {
    const g = await t.ok('GET', '/tree/graph');
    expect(g.projects.connections.subjects).toEqual({ local: '_id', foreign: 'parents.project' });
  });

  it('POST /tree nests the requested levels with the requested fields', async () => {
    const h = await hierarchy(t, { project: 'TreeP', session: 'TreeS', acquisition: 'TreeA' });
    const tree = await t.ok('POST', '/tree', {
      body: {
        projects: { fields: ['label'], filter: `_id=${h.project}` },
        sessions: { fields: ['label', 'subject.code'] },
        acquisitions: { fields: ['label'] },
      },
    });
    expect(tree).toEqual([
      {
        _id: h.project,
        label: 'TreeP',
        sessions: [
          {
            _id: h.session,
            label: 'TreeS',
            subject: { code: 'sub-01' },
            acquisitions: [{ _id: h.acquisition, label: 'TreeA' }],
          },
        ],
      },
    ]);
    expect((await t.call('POST', '/tree', { body: { things: { fields: [] } } })).status).toBe(400);
  });
});

describe('engine ask', () => {
  it('POST /jobs/ask starts matching pending jobs; POST /jobs/ask/{job_state} counts', async () => {
    const h = await hierarchy(t);
    await t.ok('POST', `/acquisitions/${h.acquisition}/files`, {
      raw: form([{ name: 'i.txt', data: 'x' }]),
    });
    await t.ok('POST', '/gears/ask-gear', {
      body: {
        category: 'analysis',
        gear: { name: 'ask-gear', version: '1', inputs: { f: { base: 'file' } } },
      },
    });
    const job = (
      await t.ok('POST', '/jobs/add', {
        body: {
          gear_id: 'ask-gear',
          inputs: { f: { type: 'acquisition', id: h.acquisition, name: 'i.txt' } },
        },
      })
    )._id;
    const ask = { whitelist: { 'gear-name': ['ask-gear'] }, blacklist: {}, capabilities: [] };
    expect(await t.ok('POST', '/jobs/ask/pending', { body: ask })).toEqual({ count: 1 });
    const peek = await t.ok('POST', '/jobs/ask', {
      body: { ...ask, return: { jobs: 1, peek: true, states: true } },
    });
    expect(peek.jobs.map((j: any) => j.id)).toEqual([job]);
    expect(peek.states.pending).toBe(1);
    const got = await t.ok('POST', '/jobs/ask', { body: { ...ask, return: { jobs: 5 } } });
    expect(got.jobs[0]).toMatchObject({ id: job, state: 'running' });
    expect(await t.ok('POST', '/jobs/ask/pending', { body: ask })).toEqual({ count: 0 });
    expect(
      await t.ok('POST', '/jobs/ask/running', {
        body: { ...ask, blacklist: { 'gear-name': ['ask-gear'] } },
      }),
    ).toEqual({ count: 0 });
  });
});
