import { toStoredTimestamp } from '../query/index.js';
import { badRequest } from './errors.js';

/** Small hand-rolled input checks; each throws a 400 naming the offending field. */
export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

export function reqString(body: Obj, key: string, max = 1024): string {
  const v = body[key];
  if (typeof v !== 'string' || v.length === 0)
    throw badRequest(`"${key}" must be a non-empty string`);
  if (v.length > max) throw badRequest(`"${key}" is longer than ${max} characters`);
  return v;
}

export function optString(body: Obj, key: string, max = 4096): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badRequest(`"${key}" must be a string`);
  if (v.length > max) throw badRequest(`"${key}" is longer than ${max} characters`);
  return v;
}

// ISO-8601 date-time with an optional offset (none means UTC), as the API stores and parses them.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

/**
 * An optional ISO-8601 date-time string, returned in the stored UTC form (filters compare stored
 * dates as text, so they must all have one format); `null` clears the field.
 */
export function optDateTime(body: Obj, key: string): string | null | undefined {
  const v = body[key];
  if (v === undefined || v === null) return v;
  const iso = typeof v === 'string' ? v.replace(' ', 'T') : '';
  if (!DATE_TIME.test(iso) || Number.isNaN(Date.parse(iso)))
    throw badRequest(`"${key}" must be an ISO-8601 date-time such as 2020-01-01T04:30:00Z`);
  return toStoredTimestamp(/(?:Z|[+-]\d{2}:?\d{2})$/.test(iso) ? iso : `${iso}Z`);
}

export function optObject(body: Obj, key: string): Obj | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) throw badRequest(`"${key}" must be an object`);
  return v;
}

export function optStringArray(body: Obj, key: string): string[] | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw badRequest(`"${key}" must be a list of strings`);
  }
  return v as string[];
}

export function optBool(body: Obj, key: string): boolean | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw badRequest(`"${key}" must be a boolean`);
  return v;
}

/** Deepest JSON nesting accepted in a request (the reference's MongoDB allows 100 levels). */
export const MAX_JSON_DEPTH = 100;

/**
 * 400 when a parsed JSON value nests deeper than `max` levels. Iterative, so a hostile value
 * cannot overflow the stack here; everything after this check (info sanitising and merging,
 * JSON.stringify) recurses and may rely on the bound.
 */
export function checkDepth(value: unknown, max = MAX_JSON_DEPTH, what = 'request body'): void {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) throw badRequest(`${what} is nested deeper than ${max} levels`);
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
}

/** Reject keys outside `allowed` so typos do not silently vanish. */
export function onlyKeys(body: Obj, allowed: readonly string[], what = 'body'): void {
  for (const k of Object.keys(body)) {
    if (!allowed.includes(k)) throw badRequest(`unexpected property "${k}" in ${what}`);
  }
}

/** Tags: non-empty, at most 32 characters, no slash (reference rule). */
export function checkTag(v: unknown): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > 32 || v.includes('/')) {
    throw badRequest('tag value must be 1-32 characters without "/"');
  }
  return v;
}

/** Replace `.` and `$` in info keys (the reference sanitises them too). */
export function sanitizeInfo(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sanitizeInfo);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, val] of Object.entries(v)) {
    out[k.replace(/\./g, '_').replace(/\$/g, '-')] = sanitizeInfo(val);
  }
  return out;
}

export function boolParam(v: string | undefined): boolean {
  return v !== undefined && ['true', '1', 'yes', ''].includes(v.toLowerCase()) && v !== '';
}
