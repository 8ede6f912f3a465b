/**
 * Data view evaluation over the server's own data. `evaluateView` is an async generator of flat
 * rows (`{ dst: value }`): containers are read from SQLite in pages, file contents are parsed as
 * streams, so a big view never sits whole in memory (group-by holds one entry per group).
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import type { Db } from '../../db/open.js';
import { parseDoc, type ContainerRow, type Doc } from '../../db/containers.js';
import type { BlobStore } from '../../storage/index.js';
import { badRequest } from '../errors.js';
import { openZipMember, zipInfo } from '../../transfer/index.js';
import { compileExpr, type ColumnExpr } from './expr.js';
import { parseRowSort, sortRows } from './sort.js';

export const VIEW_LEVELS = ['group', 'project', 'subject', 'session', 'acquisition'] as const;
type ViewLevel = (typeof VIEW_LEVELS)[number];
const depth = (l: string) => VIEW_LEVELS.indexOf(l as ViewLevel);

export type Row = Record<string, unknown>;

export interface ViewColumn {
  src: string;
  dst?: string;
  type?: string;
  accumulator?: string;
  expr?: string;
}

/** How far the evaluation got: tests read it to check that rows come out incrementally. */
export interface EvalStats {
  containersRead: number;
  fileBytesRead: number;
  rows: number;
}

export interface EvalInput {
  db: Db;
  blobs: BlobStore;
  view: Doc;
  container: ContainerRow;
  /** Extra row filter (`?filter=`), ANDed with the view's. */
  filter?: string | undefined;
  skip?: number | undefined;
  limit?: number | undefined;
  /** `?sort=` over output columns (`col:asc,col2:desc`); holds the rows to order them. */
  sort?: string | undefined;
  stats?: EvalStats;
}

const PAGE = 500;
const SECONDS: Record<string, number> = {
  years: 365.25 * 86400,
  months: (365.25 * 86400) / 12,
  weeks: 7 * 86400,
  days: 86400,
};

/** The value at a dotted path in a document (`info.a.b`). */
function pick(doc: unknown, path: string[]): unknown {
  let cur = doc;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Doc)[p];
  }
  return cur;
}

/** A container field: `id`, `label`, `info.x`, `age_years`… */
function containerValue(doc: Doc, rest: string[]): unknown {
  const [head, ...tail] = rest;
  if (head === 'id' && tail.length === 0) return doc._id;
  const age = /^age_(years|months|weeks|days)$/.exec(head ?? '');
  if (age && tail.length === 0) {
    if (typeof doc.age !== 'number') return undefined;
    return Math.round((doc.age / SECONDS[age[1]!]!) * 100) / 100;
  }
  return pick(doc, rest);
}

/** A column's value: converted to its `type`, then through its `expr` when it has one. */
function columnValue(
  p: { exprs: Map<ViewColumn, ColumnExpr> },
  c: ViewColumn,
  raw: unknown,
): unknown {
  const v = convert(raw, c.type);
  const expr = p.exprs.get(c);
  if (!expr || v === undefined || v === null) return v;
  const r = expr(v);
  return r !== null && c.type === 'int' ? Math.trunc(r) : r;
}

function convert(v: unknown, type: string | undefined): unknown {
  if (v === undefined || v === null || !type) return v;
  if (v === '' && type !== 'string') return null;
  switch (type) {
    case 'int': {
      const n = typeof v === 'number' ? v : Number(v);
      return Number.isFinite(n) ? Math.trunc(n) : null;
    }
    case 'float': {
      const n = typeof v === 'number' ? v : Number(v);
      return Number.isFinite(n) ? n : null;
    }
    case 'string':
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
    case 'bool':
      return typeof v === 'boolean' ? v : ['true', '1', 'yes'].includes(String(v).toLowerCase());
    default:
      return v;
  }
}

// ---- row filters: `a=b,c>3,d=~^x` over output columns -------------------------------------------

interface Cond {
  key: string;
  op: string;
  value: string;
}

export function parseRowFilter(s: string | undefined): Cond[] {
  if (!s) return [];
  return s.split(',').map((part) => {
    const m = /^\s*([^=!<>~]+?)\s*(=~|!=|<=|>=|=|<|>)\s*(.*)$/.exec(part);
    if (!m)
      throw badRequest(
        `view filter "${part}" is not "column<op>value" (ops: =, !=, <, <=, >, >=, =~); fix or remove it`,
      );
    return { key: m[1]!, op: m[2]!, value: m[3]! };
  });
}

function matches(row: Row, conds: Cond[]): boolean {
  for (const { key, op, value } of conds) {
    const v = row[key];
    const num = Number(value);
    const cmp =
      typeof v === 'number' && Number.isFinite(num)
        ? v - num
        : String(v ?? '').localeCompare(value);
    let okay: boolean;
    switch (op) {
      case '=':
        okay = value === 'null' ? v === null || v === undefined : String(v) === value;
        break;
      case '!=':
        okay = value === 'null' ? v !== null && v !== undefined : String(v) !== value;
        break;
      case '=~':
        okay = new RegExp(value).test(String(v ?? ''));
        break;
      case '<':
        okay = v != null && cmp < 0;
        break;
      case '<=':
        okay = v != null && cmp <= 0;
        break;
      case '>':
        okay = v != null && cmp > 0;
        break;
      default:
        okay = v != null && cmp >= 0;
    }
    if (!okay) return false;
  }
  return true;
}

// ---- container walk ------------------------------------------------------------------------------

/** Containers of `level` under (or equal to) `root`, read `PAGE` at a time. */
function* containersAt(
  db: Db,
  root: ContainerRow,
  level: ViewLevel,
  stats: EvalStats,
  sorted = false,
): Generator<ContainerRow> {
  if (depth(root.type) < 0)
    throw badRequest(
      `a view cannot run on a ${root.type}: run it on a project, subject, session or acquisition`,
    );
  // a container at or below the row level gives one row (its ancestors fill the columns)
  if (depth(root.type) >= depth(level)) {
    stats.containersRead++;
    yield root;
    return;
  }
  const col = `${root.type}_id`;
  if (sorted) {
    yield* sortedContainersAt(db, root, level, stats);
    return;
  }
  let after = '';
  for (;;) {
    const page = db
      .prepare(
        `SELECT * FROM containers WHERE type = ? AND ${col} = ? AND id > ? ORDER BY id LIMIT ${PAGE}`,
      )
      .all(level, root.id, after) as ContainerRow[];
    for (const r of page) {
      stats.containersRead++;
      yield r;
    }
    if (page.length < PAGE) return;
    after = page[page.length - 1]!.id;
  }
}

/**
 * The same containers ordered by the labels of the hierarchy between `root` and them (subject,
 * then session, then acquisition label; the id breaks ties): the view's default `sort`. Still
 * read a page at a time, so sorted views stream too.
 */
function* sortedContainersAt(
  db: Db,
  root: ContainerRow,
  level: ViewLevel,
  stats: EvalStats,
): Generator<ContainerRow> {
  const between = VIEW_LEVELS.slice(depth(root.type) + 1, depth(level));
  const joins = between
    .map((l) => `LEFT JOIN containers a_${l} ON a_${l}.id = c.${l}_id`)
    .join(' ');
  const label = (a: string) => `coalesce(${a}.label, ${a}.code, '') COLLATE NOCASE`;
  const order = [...between.map((l) => label(`a_${l}`)), label('c'), 'c.id'].join(', ');
  for (let offset = 0; ; offset += PAGE) {
    const page = db
      .prepare(
        `SELECT c.* FROM containers c ${joins} WHERE c.type = ? AND c.${root.type}_id = ? ORDER BY ${order} LIMIT ${PAGE} OFFSET ${offset}`,
      )
      .all(level, root.id) as ContainerRow[];
    for (const r of page) {
      stats.containersRead++;
      yield r;
    }
    if (page.length < PAGE) return;
  }
}

/** Parent documents, cached (bounded) since many rows share them. */
class Ancestors {
  readonly #cache = new Map<string, Doc | null>();
  constructor(readonly db: Db) {}
  get(id: string | null): Doc | null {
    if (!id) return null;
    let d = this.#cache.get(id);
    if (d === undefined) {
      if (this.#cache.size > 2000) this.#cache.clear();
      const row = this.db.prepare('SELECT doc FROM containers WHERE id = ?').get(id) as
        { doc: string } | undefined;
      d = row ? parseDoc(row) : null;
      this.#cache.set(id, d);
    }
    return d;
  }
}

function globToRegExp(glob: string): RegExp {
  const esc = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${esc}$`);
}
const nameFilter = (f: Doc | undefined): RegExp | null => {
  if (!f || typeof f.value !== 'string') return null;
  return f.regex ? new RegExp(f.value) : globToRegExp(f.value);
};

interface FileCandidate {
  name: string;
  blob_id: string | null;
  doc: string;
  size: number;
  created: string;
  modified: string;
  analysis?: Doc;
}

function filesOf(db: Db, containerId: string): FileCandidate[] {
  return db
    .prepare(`SELECT * FROM files WHERE container_id = ? AND role = 'files' ORDER BY created, name`)
    .all(containerId) as FileCandidate[];
}

/**
 * Analyses attached to a container that pass a `DataViewAnalysisFilterSpec`: each of
 * `label`, `gear.name`, `gear.version` given is a name filter (glob, or regex when `regex`).
 */
function analysesOf(db: Db, containerId: string, filter: Doc): Doc[] {
  const tests: [string[], RegExp][] = [];
  for (const [key, path] of [
    ['label', ['label']],
    ['gear.name', ['gear_info', 'name']],
    ['gear.version', ['gear_info', 'version']],
  ] as const) {
    const re = nameFilter(filter[key] as Doc | undefined);
    if (re) tests.push([[...path], re]);
  }
  return (
    db
      .prepare(
        `SELECT doc FROM containers WHERE type = 'analysis' AND parent_id = ? ORDER BY created, id`,
      )
      .all(containerId) as { doc: string }[]
  )
    .map((r) => parseDoc(r))
    .filter((a) => tests.every(([path, re]) => re.test(String(pick(a, path) ?? ''))));
}

// ---- file contents -------------------------------------------------------------------------------

async function* parseRecords(
  stream: Readable,
  name: string,
  format: string | undefined,
  options: Doc,
  stats: EvalStats,
): AsyncGenerator<Row> {
  stream.on('data', (b: Buffer) => (stats.fileBytesRead += b.length));
  const kind = (format ?? name.replace(/.*\./, '')).toLowerCase();
  if (kind === 'json') {
    // a JSON file is one document: an object (one row) or a list of objects (one row each)
    const chunks: Buffer[] = [];
    for await (const b of stream) chunks.push(b as Buffer);
    const doc = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    for (const r of Array.isArray(doc) ? doc : [doc])
      if (r && typeof r === 'object') yield r as Row;
    return;
  }
  if (kind !== 'csv' && kind !== 'tsv' && kind !== 'txt')
    throw new Error(`cannot process ${name}: only CSV, TSV and JSON files are read`);
  const parser = stream.pipe(
    parseCsv({
      columns: true,
      delimiter:
        typeof options.delimiter === 'string' ? options.delimiter : kind === 'tsv' ? '\t' : ',',
      skip_empty_lines: true,
      cast: true,
      bom: true,
    }),
  );
  for await (const rec of parser) yield rec as Row;
}

// ---- the evaluator -------------------------------------------------------------------------------

interface Plan {
  level: ViewLevel;
  columns: ViewColumn[];
  fileSpec: Doc | null;
  conds: Cond[];
  includeIds: boolean;
  includeLabels: boolean;
  errorColumn: boolean;
  dropRows: boolean;
  /** The view's `sort` (default true): rows in hierarchy label order. */
  sorted: boolean;
  /** Compiled `expr` per column spec. */
  exprs: Map<ViewColumn, ColumnExpr>;
}

function plan(view: Doc, extraFilter: string | undefined): Plan {
  const columns = (Array.isArray(view.columns) ? view.columns : []) as ViewColumn[];
  const fileSpec =
    view.fileSpec && typeof view.fileSpec === 'object' ? (view.fileSpec as Doc) : null;
  let level: ViewLevel = 'project';
  for (const c of columns) {
    const head = c.src.split('.')[0]!;
    if (head === 'file') continue;
    if (depth(head) < 0)
      throw badRequest(
        `column "${c.src}" does not start with a container level (${VIEW_LEVELS.join(', ')}) or "file"`,
      );
    if (depth(head) > depth(level)) level = head as ViewLevel;
  }
  if (fileSpec) {
    const fc = String(fileSpec.container ?? '');
    if (depth(fc) < 0)
      throw badRequest(`fileSpec.container "${fc}" is not one of ${VIEW_LEVELS.join(', ')}`);
    if (depth(fc) < depth(level))
      throw badRequest(
        `fileSpec.container "${fc}" is above column level "${level}": select files on the deepest level`,
      );
    level = fc as ViewLevel;
  }
  const strategy = view.missingDataStrategy ?? 'none';
  return {
    level,
    columns,
    fileSpec,
    conds: [...parseRowFilter(view.filter as string | undefined), ...parseRowFilter(extraFilter)],
    includeIds: view.includeIds !== false,
    includeLabels: view.includeLabels !== false,
    errorColumn: view.errorColumn ?? strategy !== 'drop-row',
    dropRows: strategy === 'drop-row',
    sorted: view.sort !== false,
    exprs: new Map(
      [...columns, ...((fileSpec?.columns as ViewColumn[] | undefined) ?? [])]
        .filter((c) => typeof c.expr === 'string' && c.expr.trim() !== '')
        .map((c) => [c, compileExpr(c.expr!, c.dst ?? c.src)]),
    ),
  };
}

/** The rows of a view over `container`, in order; see the module comment. */
export async function* evaluateView(input: EvalInput): AsyncGenerator<Row> {
  const stats = input.stats ?? { containersRead: 0, fileBytesRead: 0, rows: 0 };
  const groupBy = (input.view.groupBy as Doc | undefined)?.columns as ViewColumn[] | undefined;
  const cols = (Array.isArray(input.view.columns) ? input.view.columns : []) as ViewColumn[];
  // group-by keys are columns too (a key missing from `columns` is added)
  const keys = (groupBy ?? []).filter(
    (g) => !cols.some((c) => (c.dst ?? c.src) === (g.dst ?? g.src)),
  );
  const p = plan({ ...input.view, columns: [...cols, ...keys] }, input.filter);
  const sortKeys = parseRowSort(input.sort);
  const base = baseRows(input, p, stats);
  const source = groupBy?.length ? grouped(base, groupBy, p.columns) : base;
  async function* kept() {
    for await (const row of source) if (matches(row, p.conds)) yield row;
  }
  const ordered = sortKeys.length ? sortRows(kept(), sortKeys) : kept();
  let skip = input.skip ?? 0;
  let left = input.limit ?? Infinity;
  for await (const row of ordered) {
    if (skip > 0) {
      skip--;
      continue;
    }
    if (left-- <= 0) return;
    stats.rows++;
    yield row;
  }
}

async function* baseRows(input: EvalInput, p: Plan, stats: EvalStats): AsyncGenerator<Row> {
  const { db } = input;
  const anc = new Ancestors(db);
  const levelsUsed = VIEW_LEVELS.slice(1, depth(p.level) + 1);
  const containerCols = p.columns.filter((c) => c.src.split('.')[0] !== 'file');
  const fileCols = [
    ...p.columns.filter((c) => c.src.split('.')[0] === 'file'),
    ...((p.fileSpec?.columns as ViewColumn[] | undefined) ?? []).filter((c) =>
      c.src.startsWith('file.'),
    ),
  ];
  const recordCols = ((p.fileSpec?.columns as ViewColumn[] | undefined) ?? []).filter(
    (c) => !c.src.startsWith('file.'),
  );

  for (const row of containersAt(db, input.container, p.level, stats, p.sorted)) {
    const docs: Partial<Record<ViewLevel, Doc | null>> = {};
    for (const l of VIEW_LEVELS)
      docs[l] =
        l === row.type ? parseDoc(row) : anc.get(row[`${l}_id` as keyof ContainerRow] as string);
    if (row.type === 'group') docs.group = parseDoc(row);
    const out: Row = {};
    for (const l of levelsUsed) {
      if (p.includeIds) out[`${l}.id`] = docs[l]?._id ?? null;
      if (p.includeLabels) out[`${l}.label`] = docs[l]?.label ?? null;
    }
    let missing = false;
    for (const c of containerCols) {
      const [head, ...rest] = c.src.split('.');
      const v = columnValue(p, c, containerValue(docs[head as ViewLevel] ?? {}, rest));
      if (v === undefined || v === null) missing = true;
      out[c.dst ?? c.src] = v ?? null;
    }

    if (!p.fileSpec) {
      if (missing && p.dropRows) continue;
      if (p.errorColumn) out.error = missing ? 'missing data' : null;
      yield out;
      continue;
    }

    // file rows: one per matched file (or per record of its contents)
    const re = nameFilter(p.fileSpec.filter as Doc | undefined) ?? /.*/;
    const analysisFilter = p.fileSpec.analysisFilter as Doc | undefined;
    // analysisFilter: the files are the outputs of the matching analyses on this container
    const analyses = analysisFilter ? analysesOf(db, row.id, analysisFilter) : null;
    let files = (
      analyses
        ? analyses.flatMap((a) => filesOf(db, a._id as string).map((f) => ({ ...f, analysis: a })))
        : filesOf(db, row.id)
    ).filter((f) => re.test(f.name));
    const match = String(p.fileSpec.match ?? 'first');
    if (match === 'first') files = files.slice(0, 1);
    else if (match === 'last') files = files.slice(-1);
    else if (match === 'newest')
      files = [...files].sort((a, b) => b.modified.localeCompare(a.modified)).slice(0, 1);
    else if (match === 'oldest')
      files = [...files].sort((a, b) => a.modified.localeCompare(b.modified)).slice(0, 1);
    if (files.length === 0) {
      if (p.dropRows) continue;
      if (p.errorColumn) out.error = 'no file matched';
      yield out;
      continue;
    }
    for (const f of files) {
      const fdoc = JSON.parse(f.doc) as Doc;
      const fout: Row = { ...out };
      if (f.analysis) {
        if (p.includeIds) fout['analysis.id'] = f.analysis._id;
        if (p.includeLabels) fout['analysis.label'] = f.analysis.label ?? null;
      }
      let fmissing = missing;
      for (const c of fileCols) {
        const rest = c.src.split('.').slice(1);
        const v = columnValue(
          p,
          c,
          rest.length === 1 && rest[0] === 'id' ? (fdoc.file_id ?? fdoc._id) : pick(fdoc, rest),
        );
        if (v === undefined || v === null) fmissing = true;
        fout[c.dst ?? c.src] = v ?? null;
      }
      if (p.fileSpec.processFiles === false) {
        if (fmissing && p.dropRows) continue;
        if (p.errorColumn) fout.error = fmissing ? 'missing data' : null;
        yield fout;
        continue;
      }
      let error: string | null = null;
      try {
        if (!f.blob_id) throw new Error(`file ${f.name} has no contents`);
        const path = input.blobs.path(f.blob_id);
        const zipFilter = nameFilter(p.fileSpec.zipMember as Doc | undefined);
        const sources: { stream: () => Promise<Readable>; name: string }[] = [];
        if (zipFilter) {
          const info = await zipInfo(path);
          let members = info.members.map((m) => m.path).filter((m) => zipFilter.test(m));
          const zm = String((p.fileSpec.zipMember as Doc).match ?? 'first');
          if (zm === 'first') members = members.slice(0, 1);
          else if (zm === 'last') members = members.slice(-1);
          if (members.length === 0)
            throw new Error(`no member of ${f.name} matched the zip filter`);
          for (const m of members)
            sources.push({ name: m, stream: async () => (await openZipMember(path, m)).stream });
        } else sources.push({ name: f.name, stream: async () => createReadStream(path) });
        for (const s of sources) {
          const records = parseRecords(
            await s.stream(),
            s.name,
            p.fileSpec.format as string | undefined,
            (p.fileSpec.formatOptions as Doc | undefined) ?? {},
            stats,
          );
          for await (const rec of records) {
            const r: Row = { ...fout };
            let rmissing = fmissing;
            if (recordCols.length) {
              for (const c of recordCols) {
                const v = columnValue(p, c, pick(rec, c.src.split('.')));
                if (v === undefined || v === null || v === '') rmissing = true;
                r[c.dst ?? c.src] = v ?? null;
              }
            } else Object.assign(r, rec);
            if (rmissing && p.dropRows) continue;
            if (p.errorColumn) r.error = rmissing ? 'missing data' : null;
            yield r;
          }
        }
        continue;
      } catch (err) {
        error = (err as Error).message;
      }
      if (p.dropRows) continue;
      if (p.errorColumn) fout.error = error;
      yield fout;
    }
  }
}

/** Group rows by the group-by columns; accumulate the columns that name an accumulator. */
async function* grouped(
  rows: AsyncIterable<Row>,
  by: ViewColumn[],
  columns: ViewColumn[],
): AsyncGenerator<Row> {
  const keyCols = by.map((b) => b.dst ?? b.src);
  const acc = columns.filter((c) => c.accumulator);
  const groups = new Map<string, { row: Row; vals: Map<string, number[]> }>();
  for await (const row of rows) {
    const key = JSON.stringify(keyCols.map((k) => row[k] ?? null));
    let g = groups.get(key);
    if (!g) {
      const first: Row = {};
      for (const k of keyCols) first[k] = row[k] ?? null;
      g = { row: first, vals: new Map(acc.map((c) => [c.dst ?? c.src, []])) };
      groups.set(key, g);
    }
    for (const c of acc) {
      const v = row[c.dst ?? c.src];
      const list = g.vals.get(c.dst ?? c.src)!;
      if (c.accumulator === 'count') {
        if (v !== null && v !== undefined) list.push(1);
      } else if (typeof v === 'number') list.push(v);
    }
  }
  for (const g of groups.values()) {
    const out = { ...g.row };
    for (const c of acc)
      out[c.dst ?? c.src] = accumulate(c.accumulator!, g.vals.get(c.dst ?? c.src)!);
    yield out;
  }
}

function accumulate(kind: string, xs: number[]): number | null {
  if (kind === 'count') return xs.length;
  if (xs.length === 0) return null;
  const sum = xs.reduce((a, b) => a + b, 0);
  switch (kind) {
    case 'sum':
      return sum;
    case 'mean':
      return sum / xs.length;
    case 'minimum':
      return Math.min(...xs);
    case 'maximum':
      return Math.max(...xs);
    default: {
      const m = sum / xs.length;
      return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
    }
  }
}

/** `GET /views/columns`: the column aliases a view can use. */
export const VIEW_COLUMNS: { name: string; type: string; description: string; group: string[] }[] =
  [
    ...VIEW_LEVELS.flatMap((l) => [
      { name: `${l}.id`, type: 'string', description: `The ${l} id`, group: [l] },
      { name: `${l}.label`, type: 'string', description: `The ${l} label`, group: [l] },
      {
        name: `${l}.info`,
        type: 'object',
        description: `The ${l} custom information (info.* for one key)`,
        group: [l],
      },
    ]),
    { name: 'subject.code', type: 'string', description: 'The subject code', group: ['subject'] },
    { name: 'subject.sex', type: 'string', description: 'The subject sex', group: ['subject'] },
    {
      name: 'subject.species',
      type: 'string',
      description: 'The subject species',
      group: ['subject'],
    },
    { name: 'subject.type', type: 'string', description: 'The subject type', group: ['subject'] },
    {
      name: 'session.age',
      type: 'int',
      description: 'Age at session time, in seconds',
      group: ['session'],
    },
    ...Object.keys(SECONDS).map((u) => ({
      name: `session.age_${u}`,
      type: 'float',
      description: `Age at session time, in ${u}`,
      group: ['session'],
    })),
    {
      name: 'session.timestamp',
      type: 'string',
      description: 'The session timestamp',
      group: ['session'],
    },
    {
      name: 'session.timezone',
      type: 'string',
      description: 'The session time zone',
      group: ['session'],
    },
    {
      name: 'acquisition.timestamp',
      type: 'string',
      description: 'The acquisition timestamp',
      group: ['acquisition'],
    },
    { name: 'file.name', type: 'string', description: 'The file name', group: ['file'] },
    { name: 'file.size', type: 'int', description: 'The file size in bytes', group: ['file'] },
    { name: 'file.type', type: 'string', description: 'The file type', group: ['file'] },
    { name: 'file.modality', type: 'string', description: 'The file modality', group: ['file'] },
    {
      name: 'file.info',
      type: 'object',
      description: 'The file custom information',
      group: ['file'],
    },
  ];
