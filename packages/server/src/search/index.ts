export { SearchError } from './errors.js';
export {
  parseStructuredQuery,
  SEARCH_LEVELS,
  type SearchLevel,
  type SearchNode,
  type ConditionOp,
} from './parser.js';
export {
  compileSearch,
  validateStructuredQuery,
  flyLikeToSql,
  type SearchSchema,
  type CompiledSearch,
} from './compile.js';
