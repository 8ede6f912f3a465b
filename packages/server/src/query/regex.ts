/**
 * Regex handling for `=~`. Patterns come from Python/Mongo users, so a leading inline-flag group
 * such as `(?i)` is translated to JS flags (V8 in Node 20 has no inline modifiers). Compiled
 * patterns are cached because SQLite calls regexp() once per candidate row.
 */
import { QueryError } from './errors.js';

const CACHE_MAX = 256;
const cache = new Map<string, RegExp>();

export function compileRegex(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  let source = pattern;
  let flags = '';
  const inline = /^\(\?([ims]+)\)/.exec(source);
  if (inline) {
    flags = [...new Set(inline[1])].join('');
    source = source.slice(inline[0].length);
  }
  let re: RegExp;
  try {
    re = new RegExp(source, flags);
  } catch {
    throw new QueryError(`invalid regular expression "${pattern}"`, 400, pattern);
  }
  // Crude bound: clearing is cheaper than LRU bookkeeping and patterns rarely vary.
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(pattern, re);
  return re;
}
