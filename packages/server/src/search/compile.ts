/**
 * Structured-search AST → SQL WHERE fragment over the app's joined hierarchy. The caller names
 * one DocTarget per level it joined (alias-qualified doc column plus optional real columns);
 * array-valued paths (e.g. `file.classification.Measurement`) match when any element matches.
 * String matching: `=`/`IN`/regex are case-sensitive; CONTAINS and LIKE are case-insensitive
 * (SQLite LIKE, ASCII), which is closest to the reference's Elasticsearch text matching.
 */
import {
  QueryError,
  andSql,
  compareSql,
  existsSql,
  likeSql,
  notSql,
  orSql,
  regexSql,
  resolveField,
  type CompareOp,
  type DocTarget,
  type FieldRef,
  type Literal,
  type SqlFragment,
} from '../query/index.js';
import { errorAt } from './errors.js';
import { parseStructuredQuery, type SearchLevel, type SearchNode } from './parser.js';

export interface SearchSchema {
  /** Only the levels present here may be searched on. */
  levels: Partial<Record<SearchLevel, DocTarget>>;
}

export interface CompiledSearch extends SqlFragment {
  /** Levels the query references, so the app can join only what is needed. */
  levels: SearchLevel[];
}

const CMP: Partial<Record<string, CompareOp>> = { eq: '=', lt: '<', le: '<=', gt: '>', ge: '>=' };

/** Escape SQL LIKE metacharacters in a literal fragment (escape char is `\`). */
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** FlyQL LIKE: `?`/`_` one character, `*`/`%` any run; `\x` is a literal x. */
export function flyLikeToSql(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) out += escapeLike(pattern[++i]!);
    else if (c === '?' || c === '_') out += '_';
    else if (c === '*' || c === '%') out += '%';
    else out += c;
  }
  return out;
}

export function compileSearch(query: string | SearchNode, schema: SearchSchema): CompiledSearch {
  const text = typeof query === 'string' ? query : '';
  const ast = typeof query === 'string' ? parseStructuredQuery(query) : query;
  const used = new Set<SearchLevel>();

  function ref(n: Extract<SearchNode, { type: 'cond' }>): FieldRef {
    const target = schema.levels[n.level];
    if (!target)
      throw errorAt(
        text,
        n.offset,
        `cannot search on ${n.level} fields for this return type`,
        n.level,
      );
    used.add(n.level);
    try {
      return resolveField(n.path, target);
    } catch (err) {
      if (err instanceof QueryError)
        throw errorAt(text, n.offset, `invalid field "${n.level}.${n.path}"`, n.path);
      throw err;
    }
  }

  function walk(n: SearchNode): SqlFragment {
    switch (n.type) {
      case 'and':
        return andSql(n.children.map(walk));
      case 'or':
        return orSql(n.children.map(walk));
      case 'not':
        return notSql(walk(n.child));
    }
    const r = ref(n);
    const [v] = n.values;
    const str = (l: Literal | undefined) => (l && 'value' in l ? String(l.value) : '');
    switch (n.op) {
      case 'ne':
        return notSql(compareSql(r, '=', v!));
      case 'regex':
        return regexSql(r, str(v));
      case 'nregex':
        return notSql(regexSql(r, str(v)));
      case 'in':
        return orSql(n.values.map((l) => compareSql(r, '=', l)));
      case 'contains':
        return v && v.type === 'string'
          ? likeSql(r, `%${escapeLike(v.value)}%`)
          : compareSql(r, '=', v!);
      case 'like':
        return likeSql(r, flyLikeToSql(str(v)));
      case 'exists':
        return existsSql(r);
      default:
        return compareSql(r, CMP[n.op]!, v!);
    }
  }

  const frag = walk(ast);
  return { ...frag, levels: [...used] };
}

/** For `parse_search_query`: `{valid, errors: [{line, pos, offset, message}]}`. */
export function validateStructuredQuery(text: string): {
  valid: boolean;
  errors: { line: number; pos: number; offset: number; message: string }[];
} {
  try {
    parseStructuredQuery(text);
    return { valid: true, errors: [] };
  } catch (err) {
    if (!(err instanceof Error) || !('offset' in err)) throw err;
    const e = err as unknown as { line: number; pos: number; offset: number; message: string };
    return {
      valid: false,
      errors: [{ line: e.line, pos: e.pos, offset: e.offset, message: e.message }],
    };
  }
}
