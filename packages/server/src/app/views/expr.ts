/**
 * Column `expr`: "simple calculations (add, subtract, multiply, divide); use `x` for the
 * column's value" (v21 `DataViewColumnSpec.expr`). A tiny recursive-descent parser over
 * numbers, `x`, `+ - * /`, unary minus and parentheses, compiled once per view into a
 * function. No `eval`: nothing else can be expressed.
 */
import { badRequest } from '../errors.js';

type Node = number | 'x' | { op: string; a: Node; b?: Node };

export type ColumnExpr = (x: unknown) => number | null;

export function compileExpr(src: string, column: string): ColumnExpr {
  const tokens = src.match(/\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+|[-+*/()]|x|\S/gi) ?? [];
  let i = 0;
  const fail = (why: string): never => {
    throw badRequest(
      `column "${column}": expr "${src}" ${why}; use numbers, x, + - * / and parentheses`,
    );
  };
  const peek = () => tokens[i];
  function primary(): Node {
    const t = tokens[i++];
    if (t === undefined) return fail('ends too early');
    if (t === '(') {
      const n = sum();
      if (tokens[i++] !== ')') fail('misses a ")"');
      return n;
    }
    if (t === '-') return { op: 'neg', a: primary() };
    if (t === '+') return primary();
    if (t.toLowerCase() === 'x') return 'x';
    const n = Number(t);
    if (!Number.isFinite(n)) fail(`has an unexpected "${t}"`);
    return n;
  }
  function product(): Node {
    let n = primary();
    while (peek() === '*' || peek() === '/') n = { op: tokens[i++]!, a: n, b: primary() };
    return n;
  }
  function sum(): Node {
    let n = product();
    while (peek() === '+' || peek() === '-') n = { op: tokens[i++]!, a: n, b: product() };
    return n;
  }
  const tree = sum();
  if (i < tokens.length) fail(`has an unexpected "${tokens[i]}"`);
  const run = (n: Node, x: number): number => {
    if (typeof n === 'number') return n;
    if (n === 'x') return x;
    const a = run(n.a, x);
    if (n.op === 'neg') return -a;
    const b = run(n.b!, x);
    return n.op === '+' ? a + b : n.op === '-' ? a - b : n.op === '*' ? a * b : a / b;
  };
  // a value that is not a number (or a division by zero) gives no value: missing data
  return (x) => {
    const v =
      typeof x === 'number' ? x : typeof x === 'string' && x.trim() !== '' ? Number(x) : NaN;
    if (!Number.isFinite(v)) return null;
    const r = run(tree, v);
    return Number.isFinite(r) ? r : null;
  };
}
