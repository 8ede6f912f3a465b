/**
 * Makes the generated client methods from the compact table in `generated/methods.ts`: one row
 * per method instead of a function body each (the table is a few kB of a bundle; 550 bodies were
 * 65 kB). The typed signatures are in the generated `GeneratedMethods` interface.
 *
 * A row is `kind,operationId,pathCount[,name[,a[,b[,c]]]]`; `name` defaults to the operationId
 * in camelCase. Kinds: `j` JSON call without a body and `b` with one (`a` model, `b` returned
 * property, `c` positional body property); `w` a wrapper sending `{ [c]: body }`; `d` a download
 * (`name(…, dest, options)`) with its `nameAsData(…, options)` twin; `t` the ticket URL; `z` the
 * zip listing; `u` an upload (`a` model).
 */
import { camelCase, type ClientCore, type InvokeSpec } from './core.js';

type Core = ClientCore & Record<string, any>;
type Method = (this: Core, ...args: any[]) => Promise<unknown>;

function make(kind: string, op: string, n: number, a: string, b: string, c: string): Method {
  // One literal of one shape per call: each spread of an optional part cost about 0.7 µs in a
  // micro-benchmark, against about 4 µs for the SDK's whole share of a call.
  const spec = (
    path: unknown[],
    query: unknown,
    body: unknown,
    positional?: string,
  ): InvokeSpec => ({
    op,
    path: path as string[],
    query: query as object | undefined,
    body,
    model: a || undefined,
    unwrap: b || undefined,
    positional,
  });
  switch (kind) {
    case 'j':
      return function (...args) {
        return this._invoke(spec(args.slice(0, n), args[n], undefined));
      };
    case 'b':
      return function (...args) {
        return this._invoke(spec(args.slice(0, n), args[n + 1], args[n], c || undefined));
      };
    case 'w':
      return function (...args) {
        return this._invoke(spec(args.slice(0, n), args[n + 1], { [c]: args[n] }));
      };
    case 'd':
      return function (...args) {
        return this._download(op, args.slice(0, n), args[n], args[n + 1]);
      };
    case 't':
      return function (...args) {
        return this._ticketUrl(op, args.slice(0, n), args[n]);
      };
    case 'z':
      return function (...args) {
        return this._invoke({ op, path: args.slice(0, n), query: { ...args[n], info: true } });
      };
    case 'u':
      return function (...args) {
        return this._upload({
          op,
          path: args.slice(0, n),
          file: args[n],
          query: args[n + 1],
          ...(a ? { model: a } : {}),
        });
      };
  }
  throw new Error(`generated method table: unknown kind "${kind}" (${op})`);
}

function define(target: object, name: string, fn: Method): void {
  Object.defineProperty(fn, 'name', { value: name });
  // like class methods: not enumerable
  Object.defineProperty(target, name, { value: fn, writable: true, configurable: true });
}

/** Put every method of `table` on `target` (the generated class's prototype). */
export function installMethods(target: object, table: string): void {
  // V8 adds properties to an ordinary object by map transitions, each copying the property list
  // so far: quadratic for ~600 methods (10 ms of the SDK's import). An object that is some
  // object's prototype is kept in dictionary mode instead, and the class that extends this one
  // is defined only later, so make it a throwaway object's prototype now (the import then spends
  // under 1 ms here; a bare `Object.create(target)` would be dropped by bundlers as pure).
  Object.setPrototypeOf({}, target);
  for (const row of table.split(';')) {
    const [kind = '', op = '', count = '0', given = '', a = '', b = '', c = ''] = row.split(',');
    const n = Number(count);
    const name = given || camelCase(op);
    define(target, name, make(kind, op, n, a, b, c));
    if (kind === 'd') {
      define(target, `${name}AsData`, function (this: Core, ...args: any[]) {
        return this._readBytes(op, args.slice(0, n), args[n]);
      });
    }
  }
}
