/**
 * Finder field table generator: for each container type a finder lists, the fields its list
 * model has (with a coarse kind), written to `packages/sdk/src/generated/fields.ts`.
 *
 * Why: the typed filter form (`find({ where: { label: 'x' } })`) rejects a field the container
 * type cannot have before any request, also for untyped (JavaScript) callers, so the SDK needs the
 * field names at run time. They come from the list model of the `get_all_<types>` operation
 * (the items a finder yields); every other list operation answering the same model (the child
 * finders, `project.sessions` …) shares the table.
 */
import { doNotEditHeader, type GeneratedFiles } from './lib/generated.ts';

export const SDK_FIELDS_PATH = 'packages/sdk/src/generated/fields.ts';

type Json = Record<string, any>;

/** Plural path segment of a list operation → container type. */
const TYPES: Record<string, string> = {
  groups: 'group',
  projects: 'project',
  subjects: 'subject',
  sessions: 'session',
  acquisitions: 'acquisition',
  analyses: 'analysis',
  collections: 'collection',
  files: 'file',
  jobs: 'job',
  gears: 'gear',
  users: 'user',
};

export type FieldKind = 'string' | 'number' | 'boolean' | 'date' | 'object' | 'array' | 'any';

function deref(spec: Json, node: any): any {
  let cur = node;
  for (let i = 0; cur && typeof cur.$ref === 'string' && i < 10; i++) {
    const path = (cur.$ref as string).replace(/^#\//, '').split('/');
    cur = path.reduce((o: any, k: string) => o?.[k], spec);
  }
  return cur;
}

function refName(node: any): string | undefined {
  return typeof node?.$ref === 'string' ? node.$ref.split('/').pop() : undefined;
}

/** The variants of a schema: itself, or the members of its allOf/anyOf/oneOf (resolved). */
function variants(spec: Json, node: any): any[] {
  const n = deref(spec, node);
  if (!n || typeof n !== 'object') return [];
  const members = [...(n.allOf ?? []), ...(n.anyOf ?? []), ...(n.oneOf ?? [])];
  return members.length > 0 ? [n, ...members.flatMap((m: any) => variants(spec, m))] : [n];
}

function kindOf(spec: Json, node: any): FieldKind {
  const kinds = new Set<FieldKind>();
  for (const v of variants(spec, node)) {
    const types = Array.isArray(v.type) ? v.type : v.type ? [v.type] : [];
    for (const t of types) {
      if (t === 'null') continue;
      if (t === 'string') kinds.add(v.format === 'date-time' ? 'date' : 'string');
      else if (t === 'integer' || t === 'number') kinds.add('number');
      else if (t === 'boolean') kinds.add('boolean');
      else if (t === 'array') kinds.add('array');
      else if (t === 'object') kinds.add('object');
    }
    if (types.length === 0 && v.properties) kinds.add('object');
  }
  return kinds.size === 1 ? [...kinds][0]! : 'any';
}

/** Properties of a schema, merged over its allOf/anyOf/oneOf variants; sorted by name. */
function properties(spec: Json, node: any): Record<string, FieldKind> {
  const props: Record<string, any[]> = {};
  for (const v of variants(spec, node)) {
    for (const [name, p] of Object.entries<any>(v.properties ?? {})) (props[name] ??= []).push(p);
  }
  const out: Record<string, FieldKind> = {};
  for (const name of Object.keys(props).sort()) {
    const ks = new Set(props[name]!.map((p) => kindOf(spec, p)));
    out[name] = ks.size === 1 ? [...ks][0]! : 'any';
  }
  return out;
}

/** The item schema of a list answer: `T[]`, a `{results: T[]}` page, or a union of both. */
function itemSchema(spec: Json, schema: any): string | undefined {
  for (const v of variants(spec, schema)) {
    if (v.type === 'array' && refName(v.items)) return refName(v.items);
    const results = deref(spec, v.properties?.results);
    if (results?.type === 'array' && refName(results.items)) return refName(results.items);
  }
  return undefined;
}

interface ListOp {
  op: string;
  type: string;
  model: string;
}

function listOps(spec: Json): ListOp[] {
  const out: ListOp[] = [];
  for (const item of Object.values<any>(spec.paths ?? {})) {
    const op = item?.get;
    if (!op?.operationId) continue;
    const params = (op.parameters ?? []).map((p: any) => deref(spec, p)?.name);
    if (!params.includes('filter')) continue;
    const plural = /^get_(?:all_|[a-z]+_)?([a-z]+)$/.exec(op.operationId)?.[1];
    const type = plural ? TYPES[plural] : undefined;
    const schema = op.responses?.['200']?.content?.['application/json']?.schema;
    const model = schema ? itemSchema(spec, schema) : undefined;
    if (type && model) out.push({ op: op.operationId, type, model });
  }
  return out.sort((a, b) => (a.op < b.op ? -1 : a.op > b.op ? 1 : 0));
}

/** A single-quoted TS string literal (the repo's style). */
function q(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A property key: bare when it is an identifier, quoted otherwise (`'join-origin'`). */
function key(s: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(s) ? s : q(s);
}

export function generateFields(spec: Json): GeneratedFiles {
  const ops = listOps(spec);
  // The table of a type comes from its top-level list (`get_all_sessions`).
  const models = new Map<string, string>();
  for (const [plural, type] of Object.entries(TYPES)) {
    const top = ops.find((o) => o.op === `get_all_${plural}`);
    if (top) models.set(type, top.model);
  }
  const types = [...models.keys()].sort();
  const lines: string[] = [doNotEditHeader('tools/gen-fields.ts')];
  lines.push(
    '/** Coarse kind of a wire field: dotted sub-paths are allowed under `object`, `array` and `any`. */',
    "export type FieldKind = 'string' | 'number' | 'boolean' | 'date' | 'object' | 'array' | 'any';",
    '',
    "/** Per container type: its list model and that model's fields (what finder filters can name). */",
    'export const FINDER_FIELDS: Readonly<',
    '  Record<string, { readonly model: string; readonly fields: Readonly<Record<string, FieldKind>> }>',
    '> = {',
  );
  for (const type of types) {
    const model = models.get(type)!;
    const schema = spec.components?.schemas?.[model];
    lines.push(`  ${type}: {`, `    model: ${q(model)},`, '    fields: {');
    for (const [name, kind] of Object.entries(properties(spec, schema))) {
      lines.push(`      ${key(name)}: ${q(kind)},`);
    }
    lines.push('    },', '  },');
  }
  lines.push(
    '};',
    '',
    '/** List operation → the container type whose fields its `filter` may name (same list model). */',
    'export const FINDER_OPERATION_TYPES: Readonly<Record<string, string>> = {',
  );
  for (const o of ops) {
    if (models.get(o.type) === o.model) lines.push(`  ${o.op}: ${q(o.type)},`);
  }
  lines.push('};', '');
  return { [SDK_FIELDS_PATH]: lines.join('\n') };
}
