import type { Context } from 'hono';
import type { operations } from '@fw/api';
import { badRequest, HttpError } from './errors.js';
import type { AppEnv } from './context.js';
import { checkDepth } from './validate.js';
import { checkBody } from './body-schema.js';

type JsonContent<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type Responses<Op extends keyof operations> = operations[Op] extends { responses: infer R }
  ? R
  : never;
/** Body type the spec declares for `op` answering `status` with application/json. */
export type ResponseBody<Op extends keyof operations, S extends keyof Responses<Op>> = JsonContent<
  Responses<Op>[S]
>;
export type RequestBody<Op extends keyof operations> = operations[Op] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : unknown;

/**
 * Send a JSON response whose body type is checked against the generated spec types for the
 * operation: if the spec changes shape, handlers that no longer match fail the typecheck.
 */
export function reply<Op extends keyof operations, S extends keyof Responses<Op> & number>(
  c: Context<AppEnv>,
  _op: Op,
  status: S,
  body: ResponseBody<Op, S>,
): Response {
  return c.json(body as never, status as never);
}

type Ok<Op extends keyof operations> = JsonContent<Responses<Op>[200 & keyof Responses<Op>]>;

/** Operation ids of one verb across the container family, e.g. `add_project | add_session | …`. */
export type FamilyOp<Verb extends string> = Extract<
  `${Verb}_${'group' | 'project' | 'subject' | 'session' | 'acquisition' | 'collection' | 'analysis' | 'container'}`,
  keyof operations
>;
export type FamilyOpSuffix<Verb extends string, Suffix extends string> = Extract<
  `${Verb}_${'group' | 'project' | 'subject' | 'session' | 'acquisition' | 'collection' | 'analysis' | 'container'}_${Suffix}`,
  keyof operations
>;

/**
 * 200 JSON response typed by operation id(s): the body must fit what the generated spec types
 * declare for every listed operation, so a spec change the server does not follow fails
 * `tsc`. Pass a union (`FamilyOp<'add'>`) for handlers shared by a container family.
 */
export function ok<Op extends keyof operations>(
  c: Context<AppEnv>,
  _op: Op,
  body: Ok<Op>,
): Response {
  return c.json(body as never, 200);
}

/** Responses the spec leaves untyped (`none*`): we still answer with a small JSON object. */
export function replyUntyped(c: Context<AppEnv>, body: unknown, status = 200): Response {
  return c.json(body as never, status as never);
}

/** Read and parse a JSON request body, enforcing the size limit; 400 on anything malformed. */
export async function readJson(c: Context<AppEnv>): Promise<unknown> {
  const limit = c.get('state').jsonLimit;
  const declared = Number(c.req.header('content-length') ?? 'NaN');
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  if (!c.req.raw.body) throw badRequest('Request body is required');
  const text = await readBodyText(c);
  if (text.trim() === '') throw badRequest('Request body is required');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest('Malformed JSON in request body');
  }
  checkDepth(value);
  checkAgainstSpec(c, value);
  return value;
}

/** 400 when the body does not fit the request body schema the spec gives the matched operation. */
function checkAgainstSpec(c: Context<AppEnv>, value: unknown): void {
  const op = c.get('op') as { id: string; documented: boolean } | undefined;
  if (op?.documented) checkBody(op.id, value);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The request body as text, enforcing the JSON size limit. */
async function readBodyText(c: Context<AppEnv>): Promise<string> {
  const limit = c.get('state').jsonLimit;
  const declared = Number(c.req.header('content-length') ?? 'NaN');
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const body = c.req.raw.body;
  if (!body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  try {
    return UTF8.decode(Buffer.concat(chunks));
  } catch {
    throw badRequest(
      'Request body is not valid UTF-8: send JSON encoded as UTF-8 (no stray bytes or cut characters)',
    );
  }
}

/** Like readJson but the body must be a JSON object. */
export async function readObject(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const v = await readJson(c);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw badRequest('Request body must be a JSON object');
  }
  return v as Record<string, unknown>;
}

/** An optional JSON object body: undefined when the request has no body (or only whitespace). */
export async function readOptionalObject(
  c: Context<AppEnv>,
): Promise<Record<string, unknown> | undefined> {
  if (!c.req.raw.body || c.req.header('content-length') === '0') return undefined;
  const text = await readBodyText(c);
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest('Malformed JSON in request body');
  }
  checkDepth(value);
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw badRequest('Request body must be a JSON object');
  checkAgainstSpec(c, value);
  return value as Record<string, unknown>;
}

const tooLarge = (limit: number) => new HttpError(413, `Request body exceeds ${limit} bytes`);

/** Family operation-id placeholders for typing (values are not used at runtime). */
export const ADD = 'add_project' as FamilyOp<'add'>;
export const MODIFY = 'modify_project' as FamilyOp<'modify'>;
export const DELETE = 'delete_project' as FamilyOp<'delete'>;
export const ADD_TAG = 'add_project_tag' as FamilyOpSuffix<'add', 'tag'>;
export const MODIFY_INFO = 'modify_project_info' as FamilyOpSuffix<'modify', 'info'>;
export const ADD_NOTE = 'add_project_note' as FamilyOpSuffix<'add', 'note'>;
export const DELETE_TAG = 'delete_project_tag' as FamilyOpSuffix<'delete', 'tag'>;
export const DELETE_NOTE = 'delete_project_note' as FamilyOpSuffix<'delete', 'note'>;
