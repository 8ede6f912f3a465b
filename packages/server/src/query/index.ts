export { QueryError } from './errors.js';
export type { DocTarget, Literal, SqlFragment, SqlParam, FieldRef, CompareOp } from './json-sql.js';
export {
  resolveField,
  compareSql,
  regexSql,
  likeSql,
  existsSql,
  isNullSql,
  notSql,
  andSql,
  orSql,
} from './json-sql.js';
export {
  parseFilter,
  compileFilter,
  parseFilterValue,
  type FilterClause,
  type FilterOp,
} from './filter.js';
export { parseSort, compileSort, type SortKey } from './sort.js';
export { parseListQuery, type ListPlan, type ListQueryInput } from './pagination.js';
export { registerSqlFunctions } from './sql-functions.js';
export { compileRegex } from './regex.js';
export { toStoredTimestamp, parseDateLiteral, STORED_TIMESTAMP_EXAMPLE } from './timestamp.js';
