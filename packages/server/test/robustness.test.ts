/**
 * Systematic bad-input sweep: for every operation in the bundled spec, send a fixed set of
 * malformed requests (bad and unknown path ids, malformed and wrongly typed JSON bodies, bad query
 * parameters, wrong content types, traversal in file names) and require a 4xx with the standard
 * error body — never a 5xx, a hang or a crash. Then the process-level guards: a client that
 * disconnects mid-upload leaves no temp or blob file behind and the server keeps answering.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { form, hierarchy, useServer } from './helpers/server.js';

type AnyObj = Record<string, any>;
const spec = JSON.parse(
  readFileSync(
    fileURLToPath(new URL('../../../openapi/flywheel.openapi.json', import.meta.url)),
    'utf8',
  ),
) as AnyObj;

const t = useServer();

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const ZERO_ID = '0'.repeat(24);
const BAD_IDS = ['zzz', '../../etc/passwd', '..%2F..%2Fetc%2Fpasswd', 'a'.repeat(500), '%00', ''];
const BAD_QUERIES = [
  'limit=-1',
  'limit=abc',
  'skip=0',
  'page=0',
  'filter=label=',
  'filter===',
  'sort=label:sideways',
  'after_id=nothow',
  'size=10001',
  'limit=1&limit=2',
  'filter=label=~(',
  'sort=',
  'page=1',
  'after_id=&skip=1',
];
const BAD_UPLOAD_NAMES = ['../../x.txt', '..%2F..%2Fx', '..', '.', '/', '', 'a\u0000b'];
const KINDS = ['projects', 'subjects', 'sessions', 'acquisitions', 'collections'] as const;
type Kind = (typeof KINDS)[number];
const OTHER_USER = 'robust@example.org';
/** Stands for a JSON value nested 20 000 levels deep (spliced into the body text). */
const DEEP = '__deep_value__';
const DEEP_TEXT = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);

interface Seed {
  ids: Record<Kind | 'group', string>;
  analyses: Record<Kind, string>;
  notes: Record<Kind | 'analysis', string>;
  analysisNotes: Record<Kind, string>;
  gear: string;
  job: string;
  role: string;
  fileId: string;
}
let seed: Seed;

function deref(s: unknown): AnyObj {
  let cur = s as AnyObj;
  while (cur && typeof cur.$ref === 'string') {
    cur = (cur.$ref as string)
      .replace(/^#\//, '')
      .split('/')
      .reduce((o: AnyObj, k) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
  }
  return cur ?? {};
}

/** Declared properties of a schema, through allOf/oneOf/anyOf (union of the alternatives). */
function propsOf(s: unknown): Record<string, AnyObj> {
  const schema = deref(s);
  const out: Record<string, AnyObj> = {};
  for (const sub of [...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])])
    Object.assign(out, propsOf(sub));
  for (const [k, v] of Object.entries((schema.properties ?? {}) as AnyObj)) out[k] = deref(v);
  return out;
}

function typeOf(s: AnyObj): string | undefined {
  const types = ([] as unknown[]).concat(s.type ?? []).filter((x) => x !== 'null');
  if (types.length) return String(types[0]);
  if (s.properties || s.allOf || s.oneOf || s.anyOf) return 'object';
  return undefined;
}

/** A value of the wrong type for the schema (undefined when anything is allowed). */
function wrongValue(s: AnyObj): unknown {
  if (s.enum || s.const !== undefined) return 'not-an-enum';
  switch (typeOf(s)) {
    case 'string':
      return s.format === 'date-time' ? 'not-a-date' : 123;
    case 'integer':
    case 'number':
    case 'boolean':
      return 'x';
    case 'array':
      return {};
    case 'object':
      return 'x';
    default:
      return undefined;
  }
}

/** Bodies with wrong types: every property wrong at once, each alone, one level down too. */
function wrongBodies(schema: unknown): unknown[] {
  const props = propsOf(schema);
  const all: AnyObj = {};
  const out: unknown[] = [];
  for (const [k, p] of Object.entries(props)) {
    const w = wrongValue(p);
    if (w === undefined) continue;
    all[k] = w;
    out.push({ [k]: w });
    const inner = typeOf(p) === 'array' ? deref(p.items) : p;
    const innerProps = propsOf(inner);
    const nested: AnyObj = {};
    for (const [ik, ip] of Object.entries(innerProps)) {
      const iw = wrongValue(ip);
      if (iw !== undefined) nested[ik] = iw;
    }
    if (Object.keys(nested).length)
      out.push({ [k]: typeOf(p) === 'array' ? [nested, 'x', null] : nested });
    // free-form objects (info, metadata) get a value too deep for naive recursion
    if (typeOf(p) === 'object' && Object.keys(innerProps).length === 0) out.push({ [k]: DEEP });
  }
  if (Object.keys(all).length) out.unshift(all);
  return out;
}

interface Req {
  what: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | FormData | (() => FormData);
  auth?: boolean;
}

function kindOf(template: string): Kind {
  const first = template.split('/')[1] ?? '';
  return (KINDS as readonly string[]).includes(first) ? (first as Kind) : 'projects';
}

/** A valid value for each v21 path parameter name; other parameters get a plausible id. */
function validParam(name: string, template: string): string {
  const kind = kindOf(template);
  switch (name) {
    case 'group_id':
      return seed.ids.group;
    case 'project_id':
    case 'container_id':
      return seed.ids.projects;
    case 'subject_id':
      return seed.ids.subjects;
    case 'session_id':
      return seed.ids.sessions;
    case 'acquisition_id':
      return seed.ids.acquisitions;
    case 'collection_id':
      return seed.ids.collections;
    case 'analysis_id':
      return seed.analyses[kind];
    case 'note_id':
      if (template.startsWith('/analyses/')) return seed.notes.analysis;
      return template.includes('{analysis_id}/notes') ? seed.analysisNotes[kind] : seed.notes[kind];
    case 'file_name':
      return 'data.zip';
    case 'value':
      return 'seedtag';
    case 'user_id':
    case 'uid':
      return OTHER_USER;
    case 'gear_name':
    case 'gear_id':
      return seed.gear;
    case 'job_id':
      return seed.job;
    case 'role_id':
      return seed.role;
    case 'modalityId':
      return 'MR';
    case 'container_name':
      return 'projects';
    case 'subcontainer_name':
      return 'all';
    case 'file_id':
      return seed.fileId;
    default:
      // operations the server does not implement (501) or ids it will not find (404)
      return '5f0000000000000000000001';
  }
}

const fill = (template: string, values: Record<string, string>) =>
  template.replace(/\{(\w+)\}/g, (_m, n: string) => values[n] ?? encodeURIComponent(n));

function queryParams(pathItem: AnyObj, op: AnyObj): AnyObj[] {
  return [...(pathItem.parameters ?? []), ...(op.parameters ?? [])]
    .map(deref)
    .filter((p) => p.in === 'query' || p.in === 'header');
}

const smallUpload = () => form([{ name: 'odd.txt', data: 'x' }]);

/** The fixed list of bad requests for one operation. */
function requestsFor(template: string, method: string, pathItem: AnyObj, op: AnyObj): Req[] {
  const M = method.toUpperCase();
  const names = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const valid = Object.fromEntries(names.map((n) => [n, validParam(n, template)]));
  const validPath = fill(
    template,
    Object.fromEntries(Object.entries(valid).map(([k, v]) => [k, encodeURIComponent(v)])),
  );
  const content = (op.requestBody?.content ?? {}) as AnyObj;
  const isJson = 'application/json' in content;
  const isMultipart = 'multipart/form-data' in content;
  const okBody: Pick<Req, 'body' | 'headers'> = isJson
    ? { body: '{}', headers: { 'Content-Type': 'application/json' } }
    : isMultipart
      ? { body: smallUpload }
      : {};
  const out: Req[] = [];
  const id = `${M} ${template}`;

  out.push({ what: `${id} without auth`, method: M, path: validPath, auth: false, ...okBody });
  // path parameters: one at a time malformed or unknown, the others valid
  for (const n of names) {
    for (const bad of [...BAD_IDS, ZERO_ID]) {
      const path = fill(
        template,
        Object.fromEntries(
          names.map((m) => [m, m === n ? bad : encodeURIComponent(valid[m]!)] as const),
        ),
      );
      out.push({ what: `${id} ${n}=${bad.slice(0, 30)}`, method: M, path, ...okBody });
    }
  }
  // Everything below runs with valid ids; a DELETE with valid ids would really delete.
  if (M === 'DELETE') return out;

  for (const q of BAD_QUERIES)
    out.push({ what: `${id} ?${q}`, method: M, path: `${validPath}?${q}`, ...okBody });
  for (const p of queryParams(pathItem, op)) {
    const s = deref(p.schema);
    const values =
      p.in === 'header'
        ? p.name.toLowerCase() === 'range'
          ? ['bytes=5-1', 'bytes=-', 'items=0-1', 'bytes=999999999999999999999-']
          : ['\u00ff'.repeat(3)]
        : s.enum
          ? ['not-an-enum', '']
          : typeOf(s) === 'boolean'
            ? ['maybe', '']
            : typeOf(s) === 'integer'
              ? ['abc', '-5', '1e3', '99999999999999999999', '']
              : ['zzz', '../../etc/passwd', '', 'a'.repeat(500)];
    for (const v of values) {
      if (p.in === 'header')
        out.push({
          what: `${id} header ${p.name}: ${v}`,
          method: M,
          path: `${validPath}?view=true`,
          ...okBody,
          headers: { ...(okBody.headers ?? {}), [p.name]: v },
        });
      else
        out.push({
          what: `${id} ?${p.name}=${v.slice(0, 30)}`,
          method: M,
          path: `${validPath}?${p.name}=${encodeURIComponent(v)}`,
          ...okBody,
        });
    }
  }
  if (names.some((n) => /^file_?name$/i.test(n))) {
    const fileParam = names.find((n) => /^file_?name$/i.test(n))!;
    for (const [name, q] of [
      ['..%2F..%2Fx', ''],
      ['..%2F..%2Fflywheel.sqlite', ''],
      ['plain.txt', 'info=true'],
      ['plain.txt', 'member=x'],
      ['data.zip', 'member=..%2F..%2Fetc%2Fpasswd'],
      ['data.zip', 'member=missing'],
      ['data.zip', 'ticket=nothow'],
      ['data.zip', 'hash=nothow'],
    ] as const) {
      const path = fill(
        template,
        Object.fromEntries(
          names.map((m) => [m, m === fileParam ? name : encodeURIComponent(valid[m]!)] as const),
        ),
      );
      out.push({ what: `${id} file ${name} ?${q}`, method: M, path: `${path}?${q}`, ...okBody });
    }
  }
  if (isJson) {
    const json = (body: string, what: string): Req => ({
      what: `${id} body ${what}`,
      method: M,
      path: validPath,
      body,
      headers: { 'Content-Type': 'application/json' },
    });
    for (const b of ['{bad', '{"a": }', 'null', '[1,2]', '42', '"str"', '', '\u00ff\u00fe'])
      out.push(json(b, JSON.stringify(b)));
    out.push(json(JSON.stringify({ x: 'y'.repeat(1536 * 1024) }), 'oversize'));
    for (const b of wrongBodies(content['application/json'].schema)) {
      const text = JSON.stringify(b);
      out.push(json(text.replace(`"${DEEP}"`, DEEP_TEXT), text.slice(0, 80)));
    }
    out.push({ what: `${id} multipart to JSON`, method: M, path: validPath, body: smallUpload });
    out.push({
      what: `${id} JSON without content type`,
      method: M,
      path: validPath,
      body: '{}',
      headers: { 'Content-Type': 'text/plain' },
    });
  }
  if (isMultipart) {
    out.push({
      what: `${id} JSON to multipart`,
      method: M,
      path: validPath,
      body: '{"a":1}',
      headers: { 'Content-Type': 'application/json' },
    });
    out.push({
      what: `${id} multipart without boundary`,
      method: M,
      path: validPath,
      body: 'x',
      headers: { 'Content-Type': 'multipart/form-data' },
    });
    for (const name of BAD_UPLOAD_NAMES)
      out.push({
        what: `${id} upload name ${JSON.stringify(name)}`,
        method: M,
        path: validPath,
        body: () => form([{ name, data: 'x' }]),
      });
    for (const meta of [
      '{bad',
      '[1]',
      '"s"',
      '{"tags":"x","info":"x"}',
      '{"classification":1}',
      `{"info":${DEEP_TEXT}}`,
    ])
      out.push({
        what: `${id} upload metadata ${meta.slice(0, 30)}`,
        method: M,
        path: validPath,
        body: () => {
          const fd = form([{ name: 'meta.txt', data: 'x' }]);
          fd.append('metadata', meta);
          return fd;
        },
      });
  }
  return out;
}

/** Inputs that reach recursive parsers: deep nesting in query languages and paths. */
function extraRequests(): Req[] {
  const json = { 'Content-Type': 'application/json' };
  const deepParens = '('.repeat(20_000) + 'session.label = x' + ')'.repeat(20_000);
  return [
    {
      what: 'search deep parentheses',
      method: 'POST',
      path: '/dataexplorer/search?simple=true',
      headers: json,
      body: JSON.stringify({ return_type: 'session', structured_query: deepParens }),
    },
    {
      what: 'search unbalanced',
      method: 'POST',
      path: '/dataexplorer/search?simple=true',
      headers: json,
      body: JSON.stringify({ return_type: 'session', structured_query: '((a = 1' }),
    },
    {
      what: 'search size=all',
      method: 'POST',
      path: '/dataexplorer/search?size=all',
      headers: json,
      body: JSON.stringify({ return_type: 'not-a-type' }),
    },
    {
      what: 'finder deep filter',
      method: 'GET',
      path: `/projects?filter=${encodeURIComponent('label=' + '('.repeat(5000))}`,
    },
    {
      what: 'finder long filter list',
      method: 'GET',
      path: `/projects?filter=${encodeURIComponent(Array(2000).fill('label=x').join(','))}`,
    },
    {
      what: 'resolve deep path',
      method: 'POST',
      path: '/resolve',
      headers: json,
      body: JSON.stringify({ path: Array(5000).fill('x') }),
    },
    {
      what: 'lookup long path',
      method: 'POST',
      path: '/lookup',
      headers: json,
      body: JSON.stringify({ path: Array(5000).fill('x').join('/') }),
    },
    {
      what: 'bad percent-encoding',
      method: 'GET',
      path: `/projects/${seed.ids.projects}/files/%E0%A4%A`,
    },
    { what: 'bad percent-encoding in id', method: 'GET', path: '/projects/%E0%A4%A' },
    { what: 'bad percent-encoding in query', method: 'GET', path: '/projects?filter=%E0%A4%A' },
  ];
}

interface Failure {
  what: string;
  problem: string;
}

async function send(r: Req): Promise<Failure | null> {
  const headers: Record<string, string> = { ...(r.headers ?? {}) };
  if (r.auth !== false) headers.Authorization = `scitran-user ${t.adminKey}`;
  const body = typeof r.body === 'function' ? r.body() : r.body;
  let res: Response;
  let text: string;
  try {
    res = await fetch(t.url + r.path, {
      method: r.method,
      headers,
      body,
      signal: AbortSignal.timeout(10_000),
    });
    text = Buffer.from(await res.arrayBuffer()).toString('utf8');
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    if (process.env.ROBUST_DEBUG)
      console.log('FAILDEBUG', r.method, r.path, inspect(err, { depth: 4 }));
    return {
      what: r.what,
      problem: `request failed: ${(err as Error).message}${cause ? ` (${cause.code ?? ''} ${cause.message ?? ''})` : ''}`,
    };
  }
  // 501 is the documented answer of a spec operation the local server does not implement
  if (res.status >= 500 && res.status !== 501)
    return { what: r.what, problem: `${res.status} ${text.slice(0, 200)}` };
  if (res.status < 400) return null; // valid-but-odd input may legitimately succeed
  const ct = res.headers.get('content-type') ?? '';
  let parsed: AnyObj | null = null;
  try {
    parsed = JSON.parse(text) as AnyObj;
  } catch {
    // reported below
  }
  if (
    !ct.includes('application/json') ||
    !parsed ||
    typeof parsed.message !== 'string' ||
    parsed.status_code !== res.status
  )
    return {
      what: r.what,
      problem: `${res.status} non-standard error (${ct}): ${text.slice(0, 200)}`,
    };
  if (res.status === 501 && !parsed.message.includes('is not implemented'))
    return { what: r.what, problem: `501 without the not-implemented message: ${text}` };
  return null;
}

/** Run `reqs` with at most `width` in flight, in order. */
async function sweep(reqs: Req[], width: number): Promise<Failure[]> {
  const failures: Failure[] = [];
  let next = 0;
  const worker = async () => {
    while (next < reqs.length) {
      const f = await send(reqs[next++]!);
      if (f) failures.push(f);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return failures;
}

function makeZip(): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from('member'), 'dir/one.txt');
  zip.end();
  const chunks: Buffer[] = [];
  return new Promise((res, rej) => {
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => res(Buffer.concat(chunks)));
    zip.outputStream.on('error', rej);
  });
}

async function noteOf(path: string): Promise<string> {
  await t.ok('POST', `${path}/notes`, { body: { text: 'seed note' } });
  return ((await t.ok('GET', path)) as AnyObj).notes[0]._id as string;
}

beforeAll(async () => {
  const h = await hierarchy(t);
  await t.createUser(OTHER_USER);
  const collection = (await t.ok('POST', '/collections', { body: { label: 'Robust' } }))
    ._id as string;
  const ids = {
    group: h.group,
    projects: h.project,
    subjects: h.subject,
    sessions: h.session,
    acquisitions: h.acquisition,
    collections: collection,
  };
  const zip = await makeZip();
  const files = () => [
    { name: 'data.zip', data: zip },
    { name: 'plain.txt', data: 'plain' },
  ];
  for (const k of KINDS)
    for (const f of files()) await t.ok('POST', `/${k}/${ids[k]}/files`, { raw: form([f]) });
  for (const k of ['groups', 'projects', 'subjects', 'sessions', 'acquisitions', 'collections'])
    await t.ok('POST', `/${k}/${ids[k === 'groups' ? 'group' : (k as Kind)]}/tags`, {
      body: { value: 'seedtag' },
    });
  const roRole = (
    (await t.ok('GET', '/roles')) as { _id: string; default_flywheel_role?: string }[]
  ).find((r) => r.default_flywheel_role === 'ro')!._id;
  for (const k of ['groups', 'projects', 'collections'])
    await t.ok('POST', `/${k}/${ids[k === 'groups' ? 'group' : (k as Kind)]}/permissions`, {
      // v21: project permissions are role based, group and collection ones access based
      body:
        k === 'projects'
          ? { _id: OTHER_USER, role_ids: [roRole] }
          : { _id: OTHER_USER, access: 'ro' },
    });
  const analyses = {} as Seed['analyses'];
  const notes = {} as Seed['notes'];
  const analysisNotes = {} as Seed['analysisNotes'];
  for (const k of KINDS) {
    // v21 has no collection analyses: the collection's seed analysis hangs off the project
    const on = k === 'collections' ? `/projects/${ids.projects}` : `/${k}/${ids[k]}`;
    const a = (
      await t.ok('POST', `${on}/analyses`, {
        body: {
          label: `adhoc ${k}`,
          inputs: [{ type: 'acquisition', id: h.acquisition, name: 'data.zip' }],
        },
      })
    )._id as string;
    analyses[k] = a;
    await t.ok('POST', `/analyses/${a}/files`, { raw: form(files()) });
    await t.ok('POST', `/analyses/${a}/tags`, { body: { value: 'seedtag' } });
    notes[k] = await noteOf(`/${k}/${ids[k]}`);
    analysisNotes[k] = await noteOf(`/analyses/${a}`);
  }
  notes.analysis = analysisNotes.projects;
  const gear = (
    await t.ok('POST', '/gears/robust-gear', {
      body: {
        category: 'analysis',
        gear: {
          name: 'robust-gear',
          label: 'Robust',
          version: '1.0.0',
          inputs: { 'any-file': { base: 'file' } },
          config: { speed: { type: 'integer', default: 2 } },
        },
      },
    })
  )._id as string;
  const job = (
    await t.ok('POST', '/jobs/add', {
      body: {
        gear_id: gear,
        inputs: { 'any-file': { type: 'acquisition', id: h.acquisition, name: 'data.zip' } },
      },
    })
  )._id as string;
  const role = (await t.ok('POST', '/roles', { body: { label: 'robust-role', actions: [] } }))
    ._id as string;
  await t.call('POST', `/groups/${h.group}/roles`, { body: { _id: role } });
  const fileId = (
    (await t.ok('GET', `/projects/${ids.projects}`)).files as { name: string; file_id: string }[]
  ).find((f) => f.name === 'data.zip')!.file_id;
  seed = { ids, analyses, notes, analysisNotes, gear, job, role, fileId };
});

describe('robustness sweep over every operation', () => {
  it('answers every bad request with a standard 4xx and keeps running', async () => {
    const reqs: Req[] = [];
    let ops = 0;
    for (const [template, item] of Object.entries(spec.paths as AnyObj))
      for (const m of METHODS)
        if (item[m]) {
          ops++;
          reqs.push(...requestsFor(template, m, item, item[m]));
        }
    reqs.push(...extraRequests());
    // deletes with bad ids go last so the seeded containers stay in place for the rest
    reqs.sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
    expect(ops).toBeGreaterThan(250);
    const started = Date.now();
    const failures = await sweep(reqs, 6);
    console.log(
      `robustness sweep: ${ops} operations, ${reqs.length} requests, ${Date.now() - started} ms`,
    );
    expect(failures.map((f) => `${f.what}: ${f.problem}`)).toEqual([]);

    expect((await t.call('GET', '/version', { key: null })).status).toBe(200);
    const projects = await t.ok('GET', '/projects');
    expect(projects.map((p: AnyObj) => p._id)).toContain(seed.ids.projects);
    // nothing wrongly typed was stored: the seeded records still match the spec's schemas
    for (const k of KINDS) await t.ok('GET', `/${k}/${seed.ids[k]}`);
    for (const k of KINDS) await t.ok('GET', `/analyses/${seed.analyses[k]}`);
    await t.ok('GET', `/groups/${seed.ids.group}`);
    await t.ok('GET', `/users/${OTHER_USER}`);
    await t.ok('GET', `/jobs/${seed.job}`);
    await t.ok('GET', `/gears/${seed.gear}`);
    for (const k of KINDS) await t.ok('GET', `/${k}?limit=100`);
  }, 300_000);
});

describe('process-level guards', () => {
  const blobFiles = () => readdirSync(join(t.server.dataDir, 'blobs')).sort();

  it('a client disconnecting mid-upload leaves no temp or blob file and the server answers', async () => {
    const before = blobFiles();
    const boundary = 'robustboundary';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;
    const ctrl = new AbortController();
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode(head));
        await new Promise((r) => setTimeout(r, 20));
        controller.enqueue(new Uint8Array(64 * 1024).fill(sent % 251));
        sent++;
        if (sent === 10) ctrl.abort();
      },
    });
    await expect(
      fetch(`${t.url}/acquisitions/${seed.ids.acquisitions}/files`, {
        method: 'POST',
        headers: {
          Authorization: `scitran-user ${t.adminKey}`,
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
        },
        body,
        signal: ctrl.signal,
        duplex: 'half',
      } as RequestInit),
    ).rejects.toThrow();
    // the server notices the disconnect asynchronously; wait until the temp file is gone
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && blobFiles().join() !== before.join())
      await new Promise((r) => setTimeout(r, 50));
    expect(blobFiles()).toEqual(before);
    expect((await t.call('GET', '/version', { key: null })).status).toBe(200);
    const acq = await t.ok('GET', `/acquisitions/${seed.ids.acquisitions}`);
    expect(acq.files.map((f: AnyObj) => f.name)).not.toContain('slow.bin');
  });

  it('a blob removed while its download streams does not crash the process', async () => {
    const acq = seed.ids.acquisitions;
    await t.ok('POST', `/acquisitions/${acq}/files`, {
      raw: form([{ name: 'big.bin', data: Buffer.alloc(8 * 1024 * 1024, 7) }]),
    });
    const res = await fetch(`${t.url}/acquisitions/${acq}/files/big.bin`, {
      headers: { Authorization: `scitran-user ${t.adminKey}` },
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read();
    // delete the file (and its blob) while the body is still being streamed, then drop the client
    await t.ok('DELETE', `/acquisitions/${acq}/files/big.bin`);
    await reader.cancel();
    expect((await t.call('GET', '/version', { key: null })).status).toBe(200);
    expect((await t.ok('GET', '/projects')).length).toBeGreaterThan(0);
  });
});
