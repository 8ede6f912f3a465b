/**
 * FlyQL tokens. Keywords are recognised only all-upper or all-lower (`AND`/`and`, not `And`),
 * as in the reference. A bare word runs until whitespace, a bracket, a comma, a quote or an
 * operator character, so a bare value is ONE token: values with spaces must be quoted.
 */
import { errorAt } from './errors.js';

export type TokenKind = 'word' | 'string' | 'op' | 'keyword' | '(' | ')' | '[' | ']' | ',' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Operator/keyword normalised (upper case keywords); string contents unescaped. */
  value: string;
  offset: number;
  /** Source text of the token (for error messages). */
  text: string;
}

export const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'CONTAINS', 'EXISTS', 'LIKE']);
const OPERATORS = ['==', '!=', '<>', '<=', '>=', '=~', '!~', '=', '<', '>'];
const PUNCT = new Set(['(', ')', '[', ']', ',']);
const WORD_STOP = /[\s()[\],"'=<>!~]/;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (PUNCT.has(ch)) {
      tokens.push({ kind: ch as TokenKind, value: ch, offset: start, text: ch });
      i++;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({ kind: 'op', value: op, offset: start, text: op });
      i += op.length;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw errorAt(text, start, 'unterminated string', text.slice(start));
        const c = text[i]!;
        if (c === ch) break;
        if (c === '\\' && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
          continue;
        }
        value += c;
        i++;
      }
      i++;
      tokens.push({ kind: 'string', value, offset: start, text: text.slice(start, i) });
      continue;
    }
    if (ch === '!' || ch === '~') throw errorAt(text, start, `unexpected character "${ch}"`, ch);
    while (i < text.length && !WORD_STOP.test(text[i]!)) i++;
    const word = text.slice(start, i);
    const upper = word.toUpperCase();
    const isKeyword = KEYWORDS.has(upper) && (word === upper || word === word.toLowerCase());
    tokens.push({
      kind: isKeyword ? 'keyword' : 'word',
      value: isKeyword ? upper : word,
      offset: start,
      text: word,
    });
  }
  tokens.push({ kind: 'eof', value: '', offset: text.length, text: '' });
  return tokens;
}
