/**
 * Client-side checks of finder filter and sort strings.
 *
 * The syntax is the server's (and the Python SDK's): filters are comma-separated
 * `field<op>value` terms with op one of `<`, `<=`, `=`, `!=`, `>=`, `>`, `=~`; sorts are
 * comma-separated `field[:asc|desc|1|-1]`. The checks are cheap and only reject strings the
 * server would refuse anyway, so the error can name the offending term before any request.
 */
import { FlywheelError } from '@fw/api';

/** Thrown (before any request) for a filter or sort string the server could not parse. */
export class InvalidFilterError extends FlywheelError {
  override readonly code: string = 'FW_INVALID_FILTER';
  override name = 'InvalidFilterError';
  constructor(
    message: string,
    /** The whole filter (or sort) string as given. */
    readonly filter: string,
    /** The comma-separated term that is malformed. */
    readonly term: string,
    details: {
      /** The field a `where` filter named that the container type does not have. */
      field?: string;
      /** The container type whose fields were checked (`session`). */
      containerType?: string;
    } = {},
  ) {
    super(message);
    if (details.field !== undefined) this.field = details.field;
    if (details.containerType !== undefined) this.containerType = details.containerType;
  }
  /** The offending field of a `where` filter, when one is to blame. */
  readonly field?: string;
  /** The container type whose fields the `where` filter was checked against. */
  readonly containerType?: string;
}

export const FILTER_OPERATORS = ['<=', '>=', '!=', '=~', '<', '>', '='] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export interface FilterTerm {
  field: string;
  op: FilterOperator;
  value: string;
}

// `(?i)`, `(?ms)`, …: the PCRE inline flags MongoDB accepts at the start of a pattern.
const INLINE_FLAGS = /^\(\?[imsx]+\)/;

// The field runs up to the first operator character; the longest operator at that point wins.
const TERM = /^\s*([^<>=!~]+?)\s*(<=|>=|!=|=~|<|>|=)(.*)$/s;

/** Parse one `field<op>value` term, or throw `InvalidFilterError` naming it. */
export function parseFilterTerm(term: string, whole: string = term): FilterTerm {
  const m = TERM.exec(term);
  if (!m) {
    const why =
      term.trim() === ''
        ? 'an empty term (stray comma?)'
        : /^\s*(<=|>=|!=|=~|<|>|=)/.test(term)
          ? `"${term}" has no field name before its operator`
          : `"${term}" has no operator (expected one of ${FILTER_OPERATORS.join(' ')})`;
    throw new InvalidFilterError(
      `Invalid filter "${whole}": ${why}. Filters look like "label=My Project" or "created>2018-10-31", separated by commas.`,
      whole,
      term,
    );
  }
  const [, field, op, value] = m as unknown as [string, string, FilterOperator, string];
  if (op === '=~') {
    try {
      // A leading inline-flag group such as `(?i)` is valid for the server (MongoDB regexes) but
      // not for JavaScript's RegExp: check the pattern after it.
      new RegExp(value.replace(INLINE_FLAGS, ''));
    } catch (err) {
      throw new InvalidFilterError(
        `Invalid filter "${whole}": the regular expression in "${term}" does not compile (${(err as Error).message}).`,
        whole,
        term,
      );
    }
  }
  return { field, op, value };
}

/** Split a filter string on commas and parse every term (throws on the first bad one). */
export function parseFilter(filter: string): FilterTerm[] {
  return filter.split(',').map((term) => parseFilterTerm(term, filter));
}

/**
 * Join finder filter arguments into the one `filter` query value, validating every term.
 * Returns `undefined` when there are no filters.
 */
export function joinFilters(filters: readonly string[]): string | undefined {
  const parts = filters.filter((f) => f !== '');
  if (parts.length === 0) return undefined;
  for (const f of parts) {
    if (typeof f !== 'string') {
      throw new TypeError(`Finder filters must be strings, got ${typeof f}`);
    }
    parseFilter(f);
  }
  return parts.join(',');
}

const SORT_TERM = /^\s*[^:,\s][^:,]*?(?::(asc|desc|1|-1))?\s*$/i;

/** Validate a `sort` option (`created:desc,label`), or throw `InvalidFilterError` naming it. */
export function validateSort(sort: string): string {
  for (const term of sort.split(',')) {
    if (!SORT_TERM.test(term)) {
      throw new InvalidFilterError(
        `Invalid sort "${sort}": "${term}" is not "field", "field:asc" or "field:desc".`,
        sort,
        term,
      );
    }
  }
  return sort;
}
