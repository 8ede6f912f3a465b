/**
 * FlyQL subset → AST. Precedence follows the reference: without parentheses OR binds tighter
 * than AND (`a AND b OR c` is `a AND (b OR c)`); NOT binds tightest.
 *   query     := and EOF
 *   and       := or (AND or)*
 *   or        := unary (OR unary)*
 *   unary     := NOT unary | '(' and ')' | condition
 *   condition := field (cmpop value | IN '[' value (',' value)* ']' | CONTAINS value
 *                       | LIKE value | EXISTS)
 *   field     := <level>.<path>, level ∈ SEARCH_LEVELS
 */
import type { Literal } from '../query/index.js';
import { compileRegex, parseDateLiteral, toStoredTimestamp } from '../query/index.js';
import { errorAt } from './errors.js';
import { tokenize, type Token } from './lexer.js';

export const SEARCH_LEVELS = [
  'group',
  'project',
  'subject',
  'session',
  'acquisition',
  'analysis',
  'file',
] as const;
export type SearchLevel = (typeof SEARCH_LEVELS)[number];

export type ConditionOp =
  | 'eq'
  | 'ne'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge'
  | 'regex'
  | 'nregex'
  | 'in'
  | 'contains'
  | 'like'
  | 'exists';

export type SearchNode =
  | { type: 'and' | 'or'; children: SearchNode[] }
  | { type: 'not'; child: SearchNode }
  | {
      type: 'cond';
      level: SearchLevel;
      path: string;
      op: ConditionOp;
      values: Literal[];
      offset: number;
    };

const COMPARE: Record<string, ConditionOp> = {
  '=': 'eq',
  '==': 'eq',
  '!=': 'ne',
  '<>': 'ne',
  '<': 'lt',
  '<=': 'le',
  '>': 'gt',
  '>=': 'ge',
  '=~': 'regex',
  '!~': 'nregex',
};

const NUMBER_RE = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Deepest nesting of parentheses and NOT accepted in a structured query. */
export const MAX_NESTING = 100;

export function parseStructuredQuery(text: string): SearchNode {
  const tokens = tokenize(text);
  let i = 0;
  const peek = (): Token => tokens[i]!;
  const next = (): Token => tokens[i++]!;
  const fail = (t: Token, message: string): never => {
    throw errorAt(
      text,
      t.offset,
      t.kind === 'eof' ? `${message}, found end of query` : `${message}, found "${t.text}"`,
      t.text,
    );
  };
  const isKw = (t: Token, kw: string) => t.kind === 'keyword' && t.value === kw;

  function literal(): Literal {
    const t = next();
    if (t.kind === 'string') return { type: 'string', value: t.value };
    if (t.kind !== 'word') return fail(t, 'expected a value');
    const w = t.value;
    if (w === 'true' || w === 'false') return { type: 'boolean', value: w === 'true' };
    if (NUMBER_RE.test(w)) return { type: 'number', value: Number(w) };
    const date = parseDateLiteral(w);
    if (date === null) return fail(t, 'invalid date');
    if (date !== undefined) return { type: 'date', value: date };
    if (ISO_RE.test(w)) {
      const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(w) ? w : `${w}Z`; // naive timestamps are UTC
      const ms = Date.parse(zoned);
      if (Number.isNaN(ms)) return fail(t, 'invalid timestamp');
      return { type: 'date', value: toStoredTimestamp(ms) };
    }
    return { type: 'string', value: w };
  }

  function condition(): SearchNode {
    const f = next();
    if (f.kind !== 'word') return fail(f, 'expected a field such as session.label');
    const dot = f.value.indexOf('.');
    const level = f.value.slice(0, dot) as SearchLevel;
    const path = f.value.slice(dot + 1);
    if (dot < 0 || !SEARCH_LEVELS.includes(level) || path === '' || path.split('.').includes(''))
      return fail(f, `expected a field <${SEARCH_LEVELS.join('|')}>.<path>`);
    const cond = (op: ConditionOp, values: Literal[]): SearchNode => ({
      type: 'cond',
      level,
      path,
      op,
      values,
      offset: f.offset,
    });

    const t = next();
    if (t.kind === 'op') {
      const op = COMPARE[t.value]!;
      const valueToken = peek();
      const value = literal();
      if (op === 'regex' || op === 'nregex') {
        const pattern = value.type === 'string' ? value.value : valueToken.text;
        try {
          compileRegex(pattern);
        } catch {
          fail(valueToken, 'invalid regular expression');
        }
        return cond(op, [{ type: 'string', value: pattern }]);
      }
      return cond(op, [value]);
    }
    if (isKw(t, 'IN')) {
      if (next().kind !== '[') fail(tokens[i - 1]!, 'expected "[" after IN');
      const values = [literal()];
      while (peek().kind === ',') {
        next();
        values.push(literal());
      }
      if (next().kind !== ']') fail(tokens[i - 1]!, 'expected "," or "]"');
      return cond('in', values);
    }
    if (isKw(t, 'CONTAINS')) return cond('contains', [literal()]);
    if (isKw(t, 'LIKE')) {
      const v = literal();
      return cond('like', [
        v.type === 'string' ? v : { type: 'string', value: tokens[i - 1]!.text },
      ]);
    }
    if (isKw(t, 'EXISTS')) return cond('exists', []);
    return fail(t, 'expected an operator, IN, CONTAINS, LIKE or EXISTS');
  }

  // Parentheses and NOT recurse; bound them so a hostile query cannot overflow the stack.
  let depth = 0;
  function unary(): SearchNode {
    const t = peek();
    if (!isKw(t, 'NOT') && t.kind !== '(') return condition();
    if (++depth > MAX_NESTING) fail(t, `query nested deeper than ${MAX_NESTING} levels`);
    next();
    let node: SearchNode;
    if (t.kind === '(') {
      node = and();
      if (next().kind !== ')') fail(tokens[i - 1]!, 'expected ")"');
    } else node = { type: 'not', child: unary() };
    depth--;
    return node;
  }

  function chain(kind: 'and' | 'or', kw: string, sub: () => SearchNode): SearchNode {
    const children = [sub()];
    while (isKw(peek(), kw)) {
      next();
      children.push(sub());
    }
    return children.length === 1 ? children[0]! : { type: kind, children };
  }
  const or = () => chain('or', 'OR', unary);
  const and = (): SearchNode => chain('and', 'AND', or);

  if (peek().kind === 'eof') fail(peek(), 'empty query');
  const root = and();
  if (peek().kind !== 'eof') fail(peek(), 'expected AND, OR or end of query');
  return root;
}
