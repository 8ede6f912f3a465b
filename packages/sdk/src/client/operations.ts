/**
 * The operation table, loaded on the first call rather than at import: it is the largest part of
 * `@fw/api` (~60 kB minified), so a bundler puts it in a chunk of its own and an app's first
 * chunk stays small. One table for every client; a failed load (a chunk the browser could not
 * fetch) is tried again on the next call.
 */
import type { OperationInfo } from '@fw/api';

type Table = Readonly<Record<string, OperationInfo>>;

let table: Table | undefined;
let loading: Promise<Table> | undefined;

/** The table, once a call has loaded it. */
export function loadedOperations(): Table | undefined {
  return table;
}

/** Load the table (once). */
export function loadOperations(): Promise<Table> {
  loading ??= import('@fw/api/operations').then(
    (m) => (table = m.operationTable as unknown as Table),
    (err: unknown) => {
      loading = undefined;
      throw err;
    },
  );
  return loading;
}

/** One operation's entry; an id the spec does not have is a bug in the caller. */
export function operationIn(ops: Table, op: string): OperationInfo {
  const info = ops[op];
  if (!info) throw new Error(`Unknown API operation "${op}"`);
  return info;
}
