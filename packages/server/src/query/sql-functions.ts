import type { Database } from 'better-sqlite3';
import { compileRegex } from './regex.js';

/**
 * Register the SQL functions the compiled filters rely on. Call once per connection.
 * `regexp(pattern, value)` → 1 when `value` is text and matches (unanchored search), else 0.
 * An invalid pattern throws QueryError (400), which better-sqlite3 rethrows from the statement.
 */
export function registerSqlFunctions(db: Database): void {
  db.function('regexp', { deterministic: true }, (pattern: unknown, value: unknown) => {
    if (typeof value !== 'string' || typeof pattern !== 'string') return 0;
    return compileRegex(pattern).test(value) ? 1 : 0;
  });
}
