import { badRequest } from './errors.js';

/** One segment of a spec path template: a literal, a `{param}`, or a file-name `{param}`. */
type Segment = { kind: 'literal'; text: string } | { kind: 'param' } | { kind: 'rest' };

/** A spec path template compiled for mounting on Hono and for reading its parameters. */
export interface PathTemplate {
  /** The spec template, e.g. `/projects/{ProjectId}/files/{FileName}`. */
  readonly template: string;
  /** The Hono route, e.g. `/projects/:p0/files/:p1{.+}`. */
  readonly hono: string;
  readonly segments: readonly Segment[];
}

/** File-name parameters (`{FileName}`, `{Filename}`, `{file_name}`) may contain slashes. */
const isFileName = (name: string) => /^file_?name$/i.test(name);

export function compileTemplate(template: string): PathTemplate {
  let n = 0;
  const segments: Segment[] = template
    .split('/')
    .slice(1)
    .map((s): Segment => {
      const m = /^\{([^}]+)\}$/.exec(s);
      if (!m) return { kind: 'literal', text: s };
      return isFileName(m[1]!) ? { kind: 'rest' } : { kind: 'param' };
    });
  if (segments.filter((s) => s.kind === 'rest').length > 1)
    throw new Error(`path template ${template} has more than one file-name parameter`);
  const hono =
    '/' +
    segments
      .map((s) =>
        s.kind === 'literal' ? s.text : s.kind === 'param' ? `:p${n++}` : `:p${n++}{.+}`,
      )
      .join('/');
  return { template, hono, segments };
}

const RANK = { literal: 0, param: 1, rest: 2 } as const;

/**
 * Mount order: at the first position where two templates differ, a literal beats a parameter
 * and a parameter beats a file name (`/users/self` before `/users/{id}`); a template that
 * extends another comes first (`…/files/{name}/info` before `…/files/{name}`).
 */
export function compareTemplates(a: PathTemplate, b: PathTemplate): number {
  const n = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const sa = a.segments[i]!;
    const sb = b.segments[i]!;
    const d = RANK[sa.kind] - RANK[sb.kind];
    if (d !== 0) return d;
    if (sa.kind === 'literal' && sb.kind === 'literal' && sa.text !== sb.text)
      return sa.text < sb.text ? -1 : 1;
  }
  return b.segments.length - a.segments.length;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw badRequest('malformed percent-encoding in path');
  }
}

/**
 * The path parameters of a request that matched `t`, in template order, percent-decoded
 * segment by segment (a file name keeps its slashes). `path` is the raw path below `/api`.
 */
export function pathArgs(t: PathTemplate, path: string): string[] {
  const raw = path.split('/').slice(1);
  const rest = t.segments.findIndex((s) => s.kind === 'rest');
  const tail = rest < 0 ? 0 : t.segments.length - rest - 1;
  const out: string[] = [];
  t.segments.forEach((s, i) => {
    if (s.kind === 'param')
      out.push(decode(raw[i < rest || rest < 0 ? i : raw.length - (t.segments.length - i)] ?? ''));
    else if (s.kind === 'rest')
      out.push(
        raw
          .slice(i, raw.length - tail)
          .map(decode)
          .join('/'),
      );
  });
  return out;
}
