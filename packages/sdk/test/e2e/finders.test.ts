/** Finders against the server: top-level and child finders, paging, find variants, errors. */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Acquisition,
  Analysis,
  Client,
  Collection,
  FindOneError,
  Group,
  InvalidFilterError,
  Project,
  Session,
  Subject,
  UnprocessableEntityError,
  ApiError,
} from '../../src/node.js';
import { groupId, useServer } from '../helpers/server.js';

describe('finders', () => {
  const ctx = useServer();
  let group: Group;
  let project: Project;
  let subjects: Subject[];
  let requests: URL[];
  let fw: Client;

  beforeAll(async () => {
    requests = [];
    fw = new Client(ctx.server.apiKey, {
      fetch: (req) => {
        requests.push(new URL(req.url));
        return fetch(req);
      },
    });
    const gid = await ctx.fw.addGroup({ _id: groupId('finders'), label: 'Finders' });
    group = (await ctx.fw.get(gid)) as Group;
    project = await group.addProject({ label: 'Big Project' });
    await group.addProject({ label: 'Other Project' });
    // 12 subjects, each with one session; sessions labelled baseline / followup alternately
    subjects = [];
    for (let i = 0; i < 12; i++) {
      const s = await project.addSubject({
        label: `sub-${i}`,
        code: `sub-${i}`,
        sex: i % 2 ? 'male' : 'female',
      });
      subjects.push(s);
      const ses = await s.addSession({ label: i % 2 ? 'followup' : 'Resting-baseline' });
      await ses.addAcquisition({ label: i % 3 ? 'T1w' : 'rfMRI_REST_AP_Run1' });
    }
  });

  it('top-level finders are callable and return typed objects', async () => {
    const groups = await fw.groups();
    expect(groups.some((g) => g instanceof Group && g.id === group.id)).toBe(true);
    const projects = await fw.projects();
    expect(projects.filter((p) => p.group === group.id)).toHaveLength(2);
    expect(projects.every((p) => p instanceof Project)).toBe(true);
    expect((await fw.subjects.find(`project=${project.id}`)).length).toBe(12);
    expect(
      (await fw.sessions.find(`project=${project.id}`)).every((s) => s instanceof Session),
    ).toBe(true);
    expect(
      (await fw.acquisitions.find(`parents.project=${project.id}`)).every(
        (a) => a instanceof Acquisition,
      ),
    ).toBe(true);
  });

  it('find / findFirst / findOne with the quick-reference filters', async () => {
    const inGroup = await fw.projects.find(`group=${group.id}`);
    expect(inGroup.map((p) => p.label).sort()).toEqual(['Big Project', 'Other Project']);
    const one = await fw.projects.findOne(`group=${group.id},label=Big Project`);
    expect(one.id).toBe(project.id);
    const first = await fw.projects.findFirst(`group=${group.id}`, { sort: 'label:desc' });
    expect(first!.label).toBe('Other Project');
    expect(await fw.projects.findFirst(`group=${group.id},label=Nope`)).toBeNull();
    const viaGroup = await group.projects.findOne('label=Big Project');
    expect(viaGroup.id).toBe(project.id);
  });

  it('findOne throws FindOneError saying how many matched', async () => {
    const many = await group.projects.findOne().catch((e: unknown) => e);
    expect(many).toBeInstanceOf(FindOneError);
    expect((many as FindOneError).count).toBe(2);
    expect((many as Error).message).toMatch(/found 2 results instead of 1/);
    const none = await project.subjects.findOne('code=nobody').catch((e: unknown) => e);
    expect((none as FindOneError).count).toBe(0);
    expect((none as Error).message).toBe(
      'project.subjects.findOne("code=nobody"): found 0 results instead of 1',
    );
  });

  it('child finders: project.subjects / sessions / acquisitions, subject.sessions, session.acquisitions', async () => {
    expect(await project.subjects()).toHaveLength(12);
    expect((await project.subjects.find('sex=male')).every((s) => s.sex === 'male')).toBe(true);
    expect((await project.subjects.findOne('code="sub-3"')).id).toBe(subjects[3]!.id);
    expect(await project.sessions()).toHaveLength(12);
    expect(await project.sessions.find('label=~.*baseline')).toHaveLength(6);
    expect(await project.sessions.find('label=~resting.*')).toHaveLength(0); // regex is case-sensitive
    expect(await project.acquisitions.find('label=T1w')).toHaveLength(8);
    const subject = subjects[1]!;
    const sessions = await subject.sessions();
    expect(sessions.map((s) => s.label)).toEqual(['followup']);
    const session = await subject.sessions.findOne('label=followup');
    const acqs = await session.acquisitions();
    expect(acqs).toHaveLength(1);
    expect(acqs[0]).toBeInstanceOf(Acquisition);
    expect(await session.acquisitions.find('label=~.*REST.*')).toHaveLength(0);
  });

  it('subject.sessions.findOne with an unquoted value containing a space', async () => {
    const s = await project.addSubject({ label: 'spacey', code: 'spacey' });
    await s.addSession({ label: 'Session 1' });
    const found = await s.sessions.findOne('label=Session 1');
    expect(found.label).toBe('Session 1');
  });

  it('iterFind pages with limit + after_id across more items than one page', async () => {
    const recorded = await fw.getProject(project.id); // objects use the client that fetched them
    requests.length = 0;
    const seen: string[] = [];
    for await (const s of recorded.subjects.iterFind({ limit: 5 })) seen.push(s.code!);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(12);
    const pages = requests.filter((u) => u.pathname.endsWith('/subjects'));
    // full pages, the rest, then the empty page that ends the walk
    expect(pages.length).toBe(Math.ceil(seen.length / 5) + 1);
    expect(pages[0]!.searchParams.has('after_id')).toBe(false);
    expect(pages[0]!.searchParams.get('limit')).toBe('5');
    expect(pages[1]!.searchParams.get('after_id')).toMatch(/^[0-9a-f]{24}$/);
    const males: string[] = [];
    for await (const s of project.subjects.iterFind('sex=male', { limit: 4 })) males.push(s.sex!);
    expect(males).toHaveLength(6);
    let n = 0;
    for await (const _ of project.sessions.iter()) n++;
    expect(n).toBeGreaterThanOrEqual(12);
  });

  it('page() fetches one page with the totals (X-Accept-Feature: pagination)', async () => {
    const page = await project.subjects.page({ limit: 5, filters: ['sex=female'] });
    expect(page.total).toBe(6);
    expect(page.count).toBe(5);
    expect(page.results.every((s) => s instanceof Subject)).toBe(true);
    const next = await page.getNextPage();
    expect(next.count).toBe(1);
    expect(next.hasNextPage()).toBe(false);
    const second = await project.subjects.page({ limit: 5, page: 2, sort: 'code:asc' });
    expect(second.count).toBe(5);
  });

  it('sort and limit options as in Python (fw.jobs({limit, sort}) style)', async () => {
    const sorted = await project.subjects({ sort: 'created:desc', limit: 3 });
    expect(sorted).toHaveLength(3);
    const all = await project.subjects({ sort: 'created:desc' });
    expect(sorted.map((s) => s.id)).toEqual(all.slice(0, 3).map((s) => s.id));
    expect(all[0]!.created!.getTime()).toBeGreaterThanOrEqual(
      all[all.length - 1]!.created!.getTime(),
    );
    expect(await fw.jobs({ limit: 100, sort: 'created:desc' })).toEqual([]);
  });

  it('a malformed filter is named before any request; a server refusal is surfaced with the filter', async () => {
    requests.length = 0;
    const bad = await fw.projects.find('label').catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(InvalidFilterError);
    expect((bad as Error).message).toContain('"label" has no operator');
    expect(requests).toHaveLength(0);
    const refused = await fw.projects
      .find({ sort: 'label', page: 1, afterId: '' })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect([400, 422]).toContain((refused as ApiError).status);
    expect((refused as Error).message).toMatch(
      /rejected by the server for fw\.projects with sort "label"/,
    );
  });

  it('collection.sessions and collection.acquisitions', async () => {
    const cid = await fw.addCollection({ label: 'My collection' });
    const collection = (await fw.getCollection(cid)) as Collection;
    const sessions = await project.sessions.find('label=followup');
    await collection.addSessions(sessions[0]!, sessions[1]!.id);
    const acqs = await sessions[2]!.acquisitions();
    await fw.addAcquisitionsToCollection(cid, [acqs[0]!.id]);
    const inColl = await collection.sessions();
    expect(inColl.map((s) => s.id).sort()).toEqual(
      [sessions[0]!.id, sessions[1]!.id, sessions[2]!.id].sort(),
    );
    const acqsInColl = await collection.acquisitions();
    expect(acqsInColl.map((a) => a.id)).toContain(acqs[0]!.id);
    // a finder like any other: filters and paging work on collection acquisitions too
    const byLabel = await collection.acquisitions.find(`label=${acqs[0]!.label}`);
    const expected = acqsInColl.filter((a) => a.label === acqs[0]!.label).map((a) => a.id);
    expect(byLabel.map((a) => a.id).sort()).toEqual(expected.sort());
    expect(byLabel.length).toBeLessThan(acqsInColl.length);
    const iterated: string[] = [];
    for await (const a of collection.acquisitions.iter({ limit: 1 })) iterated.push(a.id);
    expect(iterated.sort()).toEqual(acqsInColl.map((a) => a.id).sort());
  });

  it('analysesFinder (named so because `analyses` is the embedded data field)', async () => {
    const session = (await project.sessions())[0]!;
    await session.addAnalysis({ label: 'qa' });
    await session.addAnalysis({ label: 'stats' });
    const found = await session.analysesFinder.find('label=qa');
    expect(found.map((a) => a.label)).toEqual(['qa']);
    const reloaded = await session.reload();
    expect(reloaded.analyses!.map((a) => a.label).sort()).toEqual(['qa', 'stats']);
  });

  it('fw.analyses: the v21 site-wide analysis finder (get_all_analyses, GET /analyses)', async () => {
    const session = (await project.sessions())[1]!;
    const made = await session.addAnalysis({ label: 'site-wide-qa' });
    requests.length = 0;
    const found = await fw.analyses.find('label=site-wide-qa');
    expect(requests.some((u) => u.pathname === '/api/analyses')).toBe(true);
    expect(found.map((a) => a.id)).toEqual([made.id]);
    const full = await found[0]!.reload();
    expect(full).toBeInstanceOf(Analysis);
    expect(full.label).toBe('site-wide-qa');
    expect(await fw.analyses.findFirst('label=no-such-analysis')).toBeNull();
  });

  it('a finder with a bad parent id propagates the 404', async () => {
    const ghost = new Project(ctx.fw, { _id: '000000000000000000000000' });
    await expect(ghost.subjects.findFirst()).rejects.toMatchObject({ status: 404 });
  });

  it('422 for after_id combined with a sort is an UnprocessableEntityError or BadRequest', async () => {
    const err = await fw.getAllProjects({ after_id: '', sort: 'label' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err instanceof UnprocessableEntityError || (err as ApiError).status === 400).toBe(true);
  });
});

describe('finder options', () => {
  const ctx = useServer();

  it('an unknown option names the finder method and the camelCase options, before any request', async () => {
    const fw = ctx.fw as unknown as {
      projects: { find(o: object): Promise<unknown>; (o: object): Promise<unknown> };
    };
    await expect(fw.projects.find({ sortt: 'label' })).rejects.toThrow(
      /^fw\.projects\.find: unknown option "sortt"\. Options: filter, where, sort, limit, skip, page, afterId, .*exhaustive.*signal, timeoutMs, maxRetries\.$/,
    );
    await expect(fw.projects({ nope: 1 })).rejects.toThrow(
      /^fw\.projects\(\): unknown option "nope"/,
    );
  });

  it('camelCase options reach the wire as the query parameters', async () => {
    const seen: URL[] = [];
    const fw = new Client(ctx.server.apiKey, {
      fetch: (req) => {
        seen.push(new URL(req.url));
        return fetch(req);
      },
    });
    const gid = await fw.addGroup({ _id: groupId('opt'), label: 'Opt' });
    const project = await ((await fw.get(gid)) as Group).addProject({ label: 'opt' });
    await project.analysesFinder.find({ inflateJob: true, limit: 5 });
    const list = seen.find((u) => u.pathname.endsWith(`/projects/${project.id}/analyses`));
    expect(list?.searchParams.get('inflate_job')).toBe('true');
    expect(list?.searchParams.get('limit')).toBe('5');
  });
});
