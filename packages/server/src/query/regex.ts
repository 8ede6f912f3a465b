/**
 * Regex handling for `=~` (finder filters, structured search, session templates). Patterns come
 * from users and run inside SQLite once per candidate row, synchronously on the event loop, so
 * they go through RE2JS, a pure-JS port of RE2: matching is linear in the input whatever the
 * pattern, so a pattern like `(a+)+$` over a long label cannot stall the server (V8's
 * backtracking engine took seconds at 27 characters). RE2 syntax is Python/Go-like, including a
 * leading inline-flag group such as `(?i)`; features that need backtracking (back-references,
 * look-around) are rejected with 400. Compiled patterns are cached.
 */
import { RE2JS } from 're2js';
import { QueryError } from './errors.js';

/** A compiled pattern: `test` is an unanchored search, like `RegExp.prototype.test`. */
export interface SafeRegex {
  test(value: string): boolean;
}

const CACHE_MAX = 256;
/** Longest pattern accepted: bounds compile time and automaton size. */
export const MAX_PATTERN_LENGTH = 1000;
const cache = new Map<string, SafeRegex>();

export function compileRegex(pattern: string): SafeRegex {
  const hit = cache.get(pattern);
  if (hit) return hit;
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new QueryError(
      `regular expression too long (${pattern.length} characters, at most ${MAX_PATTERN_LENGTH})`,
      400,
      pattern.slice(0, 40),
    );
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (err) {
    const why = err instanceof Error && err.message ? `: ${err.message}` : '';
    throw new QueryError(`invalid regular expression "${pattern}"${why}`, 400, pattern);
  }
  const safe: SafeRegex = { test: (value) => re.test(value) };
  // Crude bound: clearing is cheaper than LRU bookkeeping and patterns rarely vary.
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(pattern, safe);
  return safe;
}
