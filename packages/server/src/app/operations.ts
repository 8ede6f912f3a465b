import type { Context, Hono } from 'hono';
import type { OperationId } from '@fw/api';
import { operationTable } from '@fw/api/operations';
import type { AppEnv } from './context.js';
import { HttpError } from './errors.js';
import { compareTemplates, compileTemplate, pathArgs, type PathTemplate } from './route-paths.js';
import { SINGULAR, type CType } from '../db/containers.js';

/** The spec operation (or undocumented route) a request matched; on the context as `op`. */
export interface MatchedOperation {
  /** operationId; for an undocumented route, `METHOD template`. */
  readonly id: string;
  /** Upper-case HTTP method. */
  readonly method: string;
  /** Spec path template, e.g. `/projects/{ProjectId}/tags/{TagValue}`. */
  readonly path: string;
  /** Container type named by the first path segment (`container` for `/containers`), if any. */
  readonly type: CType | 'container' | null;
  /** False for routes the server answers that the spec does not describe. */
  readonly documented: boolean;
}

/**
 * A route handler. `params` are the path parameters in template order, percent-decoded (file
 * names keep their slashes); parameter names are never used, so renaming them in the spec
 * changes nothing here.
 */
export type OpHandler = (c: Context<AppEnv>, params: string[]) => Response | Promise<Response>;

interface Route {
  op: MatchedOperation;
  handler: OpHandler | null;
}

const opTypeOf = (template: string): CType | 'container' | null => {
  const first = template.split('/')[1] ?? '';
  return first === 'containers' ? 'container' : (SINGULAR[first] ?? null);
};

/** A template with its parameter names dropped: `/projects/{}/tags/{}`. */
const shapeOf = (path: string) => path.replace(/\{[^}]*\}/g, '{}');

/** The spec operations, by operationId, as the generated `operationTable` describes them. */
const SPEC: Readonly<Record<string, { method: string; path: string }>> = operationTable;

/**
 * Handlers by operationId. Method and path come from `@fw/api`'s generated `operationTable`;
 * `mount` puts every spec operation on Hono (501 for those without a handler) plus the
 * undocumented routes registered with `extra`.
 */
export class RouteTable {
  readonly #routes = new Map<string, Route>();

  constructor() {
    for (const [id, info] of Object.entries(SPEC)) {
      const method = info.method.toUpperCase();
      this.#routes.set(id, {
        op: { id, method, path: info.path, type: opTypeOf(info.path), documented: true },
        handler: null,
      });
    }
  }

  /** Register the handler of a spec operation. Unknown ids and duplicates throw at startup. */
  on(id: OperationId | (string & {}), handler: OpHandler): this {
    const route = this.#routes.get(id);
    if (!route || !route.op.documented) throw new Error(`no spec operation ${id}`);
    if (route.handler) throw new Error(`operation ${id} registered twice`);
    route.handler = handler;
    return this;
  }

  /** Whether the spec has operation `id` (families skip container types the spec lacks). */
  has(id: string): boolean {
    return this.#routes.get(id)?.op.documented === true;
  }

  /**
   * A route the spec does not describe (kept for compatibility). Should the spec describe it
   * (same method, same template up to parameter names), the handler serves that operation.
   */
  extra(method: string, path: string, handler: OpHandler): this {
    const m = method.toUpperCase();
    const shape = shapeOf(path);
    for (const r of this.#routes.values()) {
      if (r.op.method !== m || shapeOf(r.op.path) !== shape) continue;
      if (r.handler) throw new Error(`${m} ${path} is already served by ${r.op.id}`);
      r.handler = handler;
      return this;
    }
    const id = `${m} ${path}`;
    this.#routes.set(id, {
      op: { id, method: m, path, type: opTypeOf(path), documented: false },
      handler,
    });
    return this;
  }

  /** Sorted operationIds of the spec operations that have a handler. */
  implemented(): string[] {
    return [...this.#routes.values()]
      .filter((r) => r.op.documented && r.handler)
      .map((r) => r.op.id)
      .sort();
  }

  /**
   * Mount on `api` (the app below `/api`), most specific template first. Then, for every path
   * that starts with a literal, a catch-all answering 405 (a known path, a method it lacks);
   * these come after all operations so a file-name template still gets its chance. An
   * operation without a handler answers 501.
   */
  mount(api: Hono<AppEnv>): void {
    const byPath = new Map<string, { t: PathTemplate; routes: Route[] }>();
    for (const r of this.#routes.values()) {
      const entry = byPath.get(r.op.path) ?? { t: compileTemplate(r.op.path), routes: [] };
      entry.routes.push(r);
      byPath.set(r.op.path, entry);
    }
    const paths = [...byPath.values()].sort((a, b) => compareTemplates(a.t, b.t));
    for (const { t, routes } of paths)
      for (const r of routes) api.on(r.op.method, t.hono, (c) => run(c, t, r));
    for (const { t } of paths) {
      if (t.segments[0]?.kind !== 'literal') continue;
      api.all(t.hono, (c) => {
        throw new HttpError(405, `Method ${c.req.method} not allowed on ${c.req.path}`);
      });
    }
  }
}

function notImplemented(op: MatchedOperation): never {
  // the unread body is read before the answer goes out (request-body.ts), as for any answer
  throw new HttpError(
    501,
    `Operation ${op.id} (${op.method} ${op.path}) is not implemented by the local Flywheel server`,
  );
}

function run(c: Context<AppEnv>, t: PathTemplate, r: Route): Response | Promise<Response> {
  c.set('op', r.op);
  if (!r.handler) return notImplemented(r.op);
  const path = new URL(c.req.url).pathname.replace(/^\/api(?=\/)/, '');
  return r.handler(c, pathArgs(t, path));
}

/** The standard 404 for a path no operation serves (as `app.notFound` answers). */
export const routeNotFound = (c: Context<AppEnv>): HttpError =>
  new HttpError(404, `The resource ${c.req.method} ${c.req.path} could not be found`);

/** The operation the current request matched (set before its handler runs). */
export const currentOperation = (c: Context<AppEnv>): MatchedOperation => c.get('op');
