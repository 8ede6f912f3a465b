/**
 * Finders: the Python SDK's `fw.projects.find(...)` family, as callable objects with
 * Promise and async-iterator methods. Paging follows the v21 rules: `after_id` paging (ordered
 * by `_id`) when no sort is asked for, 1-based `page` paging when one is; `find()` without
 * `limit` walks every page, with `limit` it is one request. Answers may be plain arrays or
 * `{ results, count, total }` pages; both are accepted. The `pagination` feature (for totals)
 * is requested only by `page()` and by `findOne`'s error path.
 */
import { FlywheelError } from '@fw/api';
import { InvalidFilterError, joinFilters, validateSort } from './filters.js';
import type { Condition, Scalar, Where } from './where.js';
import type { MethodOptions } from '../models/context.js';

/** `all_versions` → `allVersions` (type level). */
export type CamelCase<S extends string> = S extends `${infer A}_${infer B}`
  ? `${A}${Capitalize<CamelCase<B>>}`
  : S;

/** Query parameters every finder manages itself (through `filter`, `sort`, `limit`…). */
type ManagedParam = 'filter' | 'sort' | 'limit' | 'skip' | 'page' | 'after_id';

/**
 * The list operation's other query parameters (`exhaustive`, `states`, `all_versions` …) as
 * camelCase finder options (`allVersions`), typed from the spec.
 */
export type FinderParams<Q> = {
  [K in keyof Q as K extends ManagedParam ? never : K extends string ? CamelCase<K> : never]?: Q[K];
};

/** One page of raw list results as the API returned it. */
export interface RawPage {
  results: unknown[];
  /** Matching items ignoring skip/limit; only when requested with `withTotal`. */
  total?: number;
}

/** What a finder needs to know about the list operation behind it. */
export interface FinderSource<T> {
  /** How the finder is reached, for error messages: `fw.projects`, `project.sessions`. */
  readonly description: string;
  /**
   * Query parameters the list operation accepts (wire names), or a function that loads them:
   * it is called once, when the finder is first used (the SDK's finders load the operation
   * table then).
   */
  readonly params: ReadonlySet<string> | (() => Promise<ReadonlySet<string>>);
  /**
   * The list operation's id (`get_project_sessions`): picks the field table `where` filters are
   * checked against. Without it `where` field names are not checked.
   */
  readonly operation?: string;
  /** Run the list operation once. `withTotal` asks the server for `{results,total,count}`. */
  list(query: Record<string, unknown>, withTotal: boolean): Promise<RawPage>;
  /** Turn one raw item into the SDK object. */
  wrap(raw: unknown): T;
}

/** Options every finder method accepts, plus the call options (`signal`, `timeoutMs`, `maxRetries`). */
export interface BaseFindOptions extends MethodOptions {
  /** Extra filter string, joined with the positional filters. */
  filter?: string;
  /** `field[:asc|desc]`, comma-separated: `'created:desc'`. */
  sort?: string;
  /** find/call: one request of at most this many items (without it: every match, paged). iter/iterFind/page: the page size. */
  limit?: number;
  /** Skip this many matches (single request, as in Python). */
  skip?: number;
  /** 1-based page number (needs `limit`; single request). */
  page?: number;
  /** Start after this id (ascending `_id` order; cannot be combined with `sort`). */
  afterId?: string;
}

/**
 * Options of a finder: the common ones (`filter`, `sort`, `limit`, `skip`, `page`, `afterId`,
 * call options) and the list operation's own query parameters in camelCase (`P`, e.g.
 * `{ exhaustive?: boolean }` for `fw.projects`, `{ allVersions?: boolean }` for `fw.files`). A
 * misspelt option does not compile; untyped callers get a `TypeError` naming the finder method
 * and the option.
 */
export type FindOptions<
  P = {},
  W extends WhereOption<unknown> = WhereOption<AnyWhere>,
> = BaseFindOptions & W & P;

/** `where` filters of a finder whose item type is not known: any field, any condition. */
export type AnyWhere = Record<string, Condition<Scalar>>;

/** The typed filter form, beside the filter strings. */
export interface WhereOption<W> {
  /**
   * Typed filters, AND-ed with the filter strings: `{ label: 'x', created: { gt: date },
   * 'info.site': 'A', tags: { in: ['a', 'b'] } }`. Field names are the item model's (a misspelt
   * one does not compile, and throws `InvalidFilterError` for untyped callers); operators `eq`
   * (or the plain value), `ne`, `gt`, `gte`, `lt`, `lte`, `in`, `nin`, `regex`, `exists`.
   */
  where?: W;
}

/**
 * The `where` option of a finder yielding `T`, typed from `T`. An interface (invariant in `T`)
 * rather than `WhereOption<Where<T>>`: relating two finders then compares the item types only,
 * not the large mapped `Where` types (which overflowed the checker's depth limit).
 */
export interface ItemWhere<in out T> extends WhereOption<Where<T>> {}

/** Arguments of `find`-style methods: filter strings, optionally followed by an options object. */
export type FindArgs<P = {}, W extends WhereOption<unknown> = WhereOption<AnyWhere>> =
  [...filters: string[]] | [...filters: string[], options: FindOptions<P, W>];

const BASE_OPTIONS = ['filter', 'where', 'sort', 'limit', 'skip', 'page', 'afterId'];
const CALL_OPTIONS = ['signal', 'timeoutMs', 'maxRetries'];

function camel(name: string): string {
  return name.replace(/_+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Default page size for iteration (as in Python's `iter(limit=250)`). */
export const DEFAULT_PAGE_SIZE = 250;

/** Thrown by `findOne` when the number of matches is not exactly one. */
export class FindOneError extends FlywheelError {
  override readonly code: string = 'FW_FIND_ONE';
  override name = 'FindOneError';
  constructor(
    /** How many items matched (0, or 2 and more). */
    readonly count: number,
    readonly description: string,
    readonly filter: string | undefined,
  ) {
    super(
      `${description}.findOne(${filter === undefined ? '' : JSON.stringify(filter)}): found ${count} results instead of 1`,
    );
  }
}

function splitArgs(args: readonly unknown[]): { filters: string[]; options: FindOptions } {
  const last = args[args.length - 1];
  if (last !== null && typeof last === 'object') {
    return { filters: args.slice(0, -1) as string[], options: last as FindOptions };
  }
  return { filters: args as string[], options: {} };
}

interface Prepared {
  /** The query parameters the list operation accepts. */
  accepts: ReadonlySet<string>;
  rest: Record<string, unknown>;
  filter?: string;
  sort?: string;
  limit?: number;
  skip?: number;
  page?: number;
  afterId?: string;
}

/** A page of SDK objects plus the server's counts; iterate it for its items, or walk pages. */
export class Page<T> implements AsyncIterable<T> {
  /** Items of this page (list form of the model: `reload()` one for the full object). */
  readonly results: T[];
  /** Matching items on the server, ignoring paging. */
  readonly total: number;
  /** `results.length`. */
  readonly count: number;

  constructor(
    private readonly finder: FinderImpl<T>,
    private readonly request: Prepared & { limit: number },
    results: T[],
    total: number,
    private readonly lastId: string | undefined,
  ) {
    this.results = results;
    this.total = total;
    this.count = results.length;
  }

  /** Whether a further page may hold items. */
  hasNextPage(): boolean {
    if (this.count < this.request.limit) return false;
    if (this.request.afterId !== undefined) return true;
    const page = this.request.page ?? 1;
    return page * this.request.limit < this.total;
  }

  /** Fetch the following page (same filters, sort and size). */
  getNextPage(): Promise<Page<T>> {
    if (this.request.afterId !== undefined) {
      return this.finder.fetchPage({ ...this.request, afterId: this.lastId ?? '' });
    }
    return this.finder.fetchPage({ ...this.request, page: (this.request.page ?? 1) + 1 });
  }

  /** This page and every following one. */
  async *iterPages(): AsyncGenerator<Page<T>, void, undefined> {
    let page: Page<T> = this;
    yield page;
    while (page.hasNextPage()) {
      page = await page.getNextPage();
      if (page.count === 0) return;
      yield page;
    }
  }

  /** Every item of this page and the following pages. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for await (const page of this.iterPages()) yield* page.results;
  }
}

/** The pages of a listing, one request each; `prefetch` sends the next request early. */
interface PageWalk {
  /** The next page's raw items (never empty), or undefined once the walk has ended. */
  next(): Promise<unknown[] | undefined>;
  /** Ask for the page after the current one now; `next()` then takes that answer. */
  prefetch(): void;
}

/** The cursor an item gives `after_id`: a file's `file_id`, else `_id` (or `id`). */
function rawId(raw: unknown): string | undefined {
  if (raw && typeof raw === 'object') {
    const r = raw as { file_id?: unknown; _id?: unknown; id?: unknown };
    const id = typeof r.file_id === 'string' ? r.file_id : (r._id ?? r.id);
    return typeof id === 'string' ? id : undefined;
  }
  return undefined;
}

/** Implementation behind the callable finder objects. */
export class FinderImpl<T> {
  private accepts: ReadonlySet<string> | Promise<ReadonlySet<string>> | undefined;

  constructor(readonly source: FinderSource<T>) {}

  /** The list operation's query parameters, loaded on first use (a failed load is tried again). */
  private accepted(): ReadonlySet<string> | Promise<ReadonlySet<string>> {
    if (this.accepts) return this.accepts;
    const { params } = this.source;
    if (typeof params !== 'function') return (this.accepts = params);
    const loading = params().then(
      (set) => (this.accepts = set),
      (err: unknown) => {
        this.accepts = undefined;
        throw err;
      },
    );
    return (this.accepts = loading);
  }

  /** Map camelCase options to wire query parameters; unknown ones throw, naming the method. */
  private params(
    accepts: ReadonlySet<string>,
    method: string,
    rest: Record<string, unknown>,
  ): Record<string, unknown> {
    const byName = new Map<string, string>();
    for (const p of accepts) {
      if (['filter', 'sort', 'limit', 'skip', 'page', 'after_id'].includes(p)) continue;
      byName.set(camel(p), p);
      byName.set(p, p);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rest)) {
      if (CALL_OPTIONS.includes(k)) {
        if (v !== undefined) out[k] = v;
        continue;
      }
      const wire = byName.get(k);
      if (wire === undefined) {
        const known = [
          ...BASE_OPTIONS,
          ...[...byName.keys()].filter((n) => !n.includes('_')),
          ...CALL_OPTIONS,
        ];
        throw new TypeError(
          `${method === '(call)' ? `${this.source.description}()` : `${this.source.description}.${method}`}: unknown option "${k}". Options: ${known.join(', ')}.`,
        );
      }
      if (v !== undefined) out[wire] = v;
    }
    return out;
  }

  private async prepare(
    method: string,
    filters: readonly string[],
    options: FindOptions,
  ): Promise<Prepared> {
    const { filter, where, sort, limit, skip, page, afterId, after_id, ...given } =
      options as FindOptions & {
        after_id?: unknown;
      };
    const accepts = await this.accepted();
    const rest = this.params(accepts, method, given);
    const all = [...filters];
    if (typeof filter === 'string') all.push(filter);
    if (where !== undefined) {
      // `where` and the field tables it is checked against load with the first finder that uses it
      const { renderWhere, finderContainerType } = await import('./where.js');
      const op = this.source.operation;
      const terms = renderWhere(where, {
        description:
          method === '(call)'
            ? `${this.source.description}()`
            : `${this.source.description}.${method}`,
        containerType: op !== undefined ? finderContainerType(op) : undefined,
      });
      if (terms.length > 0) all.push(terms.join(','));
    }
    const joined = joinFilters(all);
    if (joined !== undefined && !accepts.has('filter')) {
      throw new InvalidFilterError(
        `${this.source.description} does not support filters (the API's list operation has no "filter" parameter); got "${joined}".`,
        joined,
        joined,
      );
    }
    if (sort !== undefined) validateSort(sort);
    const prepared: Prepared = { accepts, rest };
    if (joined !== undefined) prepared.filter = joined;
    if (sort !== undefined) prepared.sort = sort;
    if (limit !== undefined) prepared.limit = limit;
    if (skip !== undefined) prepared.skip = skip;
    if (page !== undefined) prepared.page = page;
    const aid = afterId ?? (after_id as string | undefined);
    if (aid !== undefined) prepared.afterId = aid;
    return prepared;
  }

  private query(p: Prepared): Record<string, unknown> {
    const q: Record<string, unknown> = { ...p.rest };
    if (p.filter !== undefined) q['filter'] = p.filter;
    if (p.sort !== undefined) q['sort'] = p.sort;
    if (p.limit !== undefined) q['limit'] = p.limit;
    if (p.skip !== undefined) q['skip'] = p.skip;
    if (p.page !== undefined) q['page'] = p.page;
    if (p.afterId !== undefined) q['after_id'] = p.afterId;
    return q;
  }

  private async run(p: Prepared, withTotal: boolean): Promise<RawPage> {
    try {
      return await this.source.list(this.query(p), withTotal);
    } catch (err) {
      throw annotateListError(err, this.source.description, p);
    }
  }

  /**
   * The pages of every raw item matching, `pageSize` per request (see {@link PageWalk}). Without
   * a sort the pages are walked with `after_id` (the first request has none; each next one starts
   * after the last item's id); with a sort, with `page=1,2,…` and `limit`, since the server
   * refuses `after_id` with a sort. The walk ends at the first empty page, so a server that
   * returns fewer items than asked for per page (a lower cap of its own) still yields everything.
   */
  private walkPages(p: Prepared, pageSize: number): PageWalk {
    const sorted = p.sort !== undefined;
    const pageable =
      p.accepts.has('limit') && (sorted ? p.accepts.has('page') : p.accepts.has('after_id'));
    // A request for one specific window, or a list that cannot page: one request, as asked.
    const oneRequest = !pageable || p.page !== undefined || p.skip !== undefined;
    let ended = false;
    let page = 0;
    let afterId = p.afterId;
    const fetchPage = async (): Promise<unknown[] | undefined> => {
      if (ended) return undefined;
      if (oneRequest) {
        ended = true;
        const { results } = await this.run(p, false);
        return results.length > 0 ? results : undefined;
      }
      if (sorted) {
        const { results } = await this.run({ ...p, limit: pageSize, page: ++page }, false);
        if (results.length > 0) return results;
        ended = true;
        return undefined;
      }
      const request: Prepared = { ...p, limit: pageSize };
      if (afterId === undefined) delete request.afterId;
      else request.afterId = afterId;
      const { results } = await this.run(request, false);
      const last = results.length > 0 ? rawId(results[results.length - 1]) : undefined;
      // An empty page ends the walk; so does a page ending where the last one did (the server
      // ignored after_id: stop, not loop), and one without an id to continue from (after it).
      if (results.length === 0 || (last !== undefined && last === afterId)) {
        ended = true;
        return undefined;
      }
      if (last === undefined) ended = true;
      afterId = last;
      return results;
    };
    let ahead: Promise<unknown[] | undefined> | undefined;
    return {
      next() {
        const pending = ahead ?? fetchPage();
        ahead = undefined;
        return pending;
      },
      prefetch() {
        if (ahead || ended) return;
        ahead = fetchPage();
        // a walk left before this page is reached must not leave an unhandled rejection
        ahead.catch(() => undefined);
      },
    };
  }

  /**
   * The SDK objects of every item matching, each wrapped as it is reached. The next page is asked
   * for ahead, so the server prepares it while the caller goes through the current one (the
   * after_id cursor is known as soon as a page arrives): on the first page once the caller has
   * taken half of it, on every later page as soon as the caller reaches it (a walk past its first
   * page is a walk). A walk left in the first half of its first page sends nothing more; one
   * left later has at most one page read and dropped. Errors of a page come when the caller
   * reaches it, as without the prefetch. `start` prepares the walk when the caller first asks
   * for an item (one generator per walk: a second, delegating one would cost a step per item).
   */
  async *iterate(
    start: () => Promise<{ p: Prepared; pageSize: number }>,
  ): AsyncGenerator<T, void, undefined> {
    const source = this.source;
    const { p, pageSize } = await start();
    const walk = this.walkPages(p, pageSize);
    // the first page: once half of it is taken; every later one: as soon as it is reached
    for (let page = 0, results = await walk.next(); results; results = await walk.next()) {
      const ask = page++ === 0 ? results.length >> 1 : 0;
      for (let i = 0; i < results.length; i++) {
        if (i === ask) walk.prefetch();
        yield source.wrap(results[i]);
      }
    }
  }

  /** `find` and the call: one request when `limit` is given, else every match, paged. */
  async collect(filters: readonly string[], options: FindOptions, method = 'find'): Promise<T[]> {
    const p = await this.prepare(method, filters, options);
    if (p.limit !== undefined) {
      const { results } = await this.run(p, false);
      return results.map((r) => this.source.wrap(r));
    }
    const out: T[] = [];
    for await (const item of this.iterate(async () => ({ p, pageSize: DEFAULT_PAGE_SIZE })))
      out.push(item);
    return out;
  }

  async findFirst(filters: readonly string[], options: FindOptions): Promise<T | null> {
    const p = await this.prepare('findFirst', filters, options);
    const q = p.accepts.has('limit') ? { ...p, limit: 1 } : p;
    const { results } = await this.run(q, false);
    return results.length > 0 ? this.source.wrap(results[0]) : null;
  }

  async findOne(filters: readonly string[], options: FindOptions): Promise<T> {
    const p = await this.prepare('findOne', filters, options);
    const limited = p.accepts.has('limit');
    const { results } = await this.run(limited ? { ...p, limit: 2 } : p, false);
    if (results.length === 1) return this.source.wrap(results[0]);
    let count = results.length;
    if (count > 1 && limited) {
      // Only to say how many matched: ask for the total (the pagination feature) once.
      const counted = await this.run({ ...p, limit: 1 }, true).catch(() => undefined);
      if (counted?.total !== undefined && counted.total > count) count = counted.total;
    }
    throw new FindOneError(count, this.source.description, p.filter);
  }

  /** Options are checked when the walk starts (the first `next()`), as the first page is asked for. */
  iter(
    filters: readonly string[],
    options: FindOptions,
    method = 'iterFind',
  ): AsyncGenerator<T, void, undefined> {
    return this.iterate(async () => {
      const p = await this.prepare(method, filters, options);
      const pageSize = p.limit ?? DEFAULT_PAGE_SIZE;
      delete p.limit; // for iteration, `limit` is the page size, not a cap
      return { p, pageSize };
    });
  }

  async fetchPage(p: Prepared & { limit: number }): Promise<Page<T>> {
    const raw = await this.run(p, true);
    return new Page(
      this,
      p,
      raw.results.map((r) => this.source.wrap(r)),
      raw.total ?? raw.results.length,
      rawId(raw.results[raw.results.length - 1]),
    );
  }

  async page(options: FindOptions & { filters?: string[] }): Promise<Page<T>> {
    const { filters = [], ...rest } = options;
    const p = await this.prepare('page', filters, rest);
    const limit = p.limit ?? DEFAULT_PAGE_SIZE;
    if (p.afterId === undefined && p.page === undefined && p.skip === undefined) p.page = 1;
    return this.fetchPage({ ...p, limit });
  }
}

function annotateListError(err: unknown, description: string, p: Prepared): unknown {
  const status = (err as { status?: unknown } | null)?.status;
  if (err instanceof Error && (status === 400 || status === 422)) {
    const parts: string[] = [];
    if (p.filter !== undefined) parts.push(`filter "${p.filter}"`);
    if (p.sort !== undefined) parts.push(`sort "${p.sort}"`);
    if (parts.length > 0) {
      err.message = `${err.message} (rejected by the server for ${description} with ${parts.join(', ')})`;
    }
  }
  return err;
}

/**
 * A finder: call it (`await fw.projects()`, `await fw.jobs({ sort: 'created:desc', limit: 100 })`)
 * to get every match, or use its methods.
 *
 * Every finder reads a list endpoint, so its items are the list form of the model: list reads
 * leave some fields out (for example `info`, and on some sites file details). Call `reload()`
 * on an item to get the full object.
 */
export interface Finder<T, P = {}, W extends WhereOption<unknown> = ItemWhere<T>> {
  /**
   * Every match, the same as `find()` with no filters: all pages without `limit`, one request
   * of at most `limit` items with it; `page`/`skip` ask for one window.
   *
   * Items are the list form of the model (e.g. no `info`); `reload()` one for the full object.
   */
  (options?: FindOptions<P, W>): Promise<T[]>;
  /**
   * Every item matching all the filters (`'label=My Project'`, `'created>2018-10-31'`).
   * Without `limit` the finder walks every page (250 items per request; `after_id` paging, or
   * `page` paging with a `sort`); with `limit` it sends one request and returns that page.
   *
   * Items are the list form of the model (e.g. no `info`); `reload()` one for the full object.
   */
  find(...args: FindArgs<P, W>): Promise<T[]>;
  /**
   * The first match, or `null` (one request with `limit=1`). Respects `sort`.
   *
   * The item is the list form of the model (e.g. no `info`); `reload()` it for the full object.
   */
  findFirst(...args: FindArgs<P, W>): Promise<T | null>;
  /**
   * The only match (one request with `limit=2`); throws `FindOneError` (with `count`) when
   * there are none or several.
   *
   * The item is the list form of the model (e.g. no `info`); `reload()` it for the full object.
   */
  findOne(...args: FindArgs<P, W>): Promise<T>;
  /**
   * Lazily iterate every item, `limit` (default 250) per request: `after_id` paging without a
   * sort, `page` paging with one. Stops after the first empty page.
   *
   * Items are the list form of the model (e.g. no `info`); `reload()` one for the full object.
   */
  iter(options?: FindOptions<P, W>): AsyncGenerator<T, void, undefined>;
  /**
   * Lazily iterate every item matching the filters, paged as `iter`.
   *
   * Items are the list form of the model (e.g. no `info`); `reload()` one for the full object.
   */
  iterFind(...args: FindArgs<P, W>): AsyncGenerator<T, void, undefined>;
  /**
   * One page with the server's counts (asks for the `pagination` feature, for `total`):
   * `page({ limit: 10, page: 2 })` or `page({ limit: 10, afterId: '' })`.
   *
   * Items are the list form of the model (e.g. no `info`); `reload()` one for the full object.
   */
  page(options?: FindOptions<P, W> & { filters?: string[] }): Promise<Page<T>>;
  /** Where the finder came from, e.g. `project.sessions`. */
  readonly description: string;
}

/** Build the callable finder object for a source. */
export function createFinder<T>(source: FinderSource<T>): Finder<T> {
  const impl = new FinderImpl(source);
  const call = (options: FindOptions = {}) => impl.collect([], options, '(call)');
  return Object.assign(call, {
    find: (...args: FindArgs) => {
      const { filters, options } = splitArgs(args);
      return impl.collect(filters, options);
    },
    findFirst: (...args: FindArgs) => {
      const { filters, options } = splitArgs(args);
      return impl.findFirst(filters, options);
    },
    findOne: (...args: FindArgs) => {
      const { filters, options } = splitArgs(args);
      return impl.findOne(filters, options);
    },
    iter: (options: FindOptions = {}) => impl.iter([], options, 'iter'),
    iterFind: (...args: FindArgs) => {
      const { filters, options } = splitArgs(args);
      return impl.iter(filters, options);
    },
    page: (options: FindOptions & { filters?: string[] } = {}) => impl.page(options),
    description: source.description,
  }) as Finder<T>;
}
