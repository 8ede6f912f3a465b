import type { OpHandler, RouteTable } from '../../app/operations.js';
import { routeNotFound } from '../../app/operations.js';
import { notFound } from '../../app/errors.js';
import { downloadFile, fileOp, uploadFiles } from '../files.js';
import {
  ANALYSIS_PARENTS,
  FILE_PARENTS,
  direct,
  me,
  nested,
  pluralOf,
  type OpType,
  type RowHandler,
} from './target.js';

/** Groups hold no files (reachable through `/containers/{id}`). */
const noGroups =
  (h: RowHandler): RowHandler =>
  (c, row, args) => {
    if (row.type === 'group') throw routeNotFound(c);
    me(c);
    return h(c, row, args);
  };

const upload: RowHandler = noGroups((c, row) => uploadFiles(c, row));
/** Downloads may be redeemed by ticket without credentials: no `me(c)` here. */
const download: RowHandler = (c, row, [name = '']) => downloadFile(c, row, 'files', name);
const downloadInput: RowHandler = (c, row, [name = '']) => {
  if (row.type !== 'analysis') throw notFound('only analyses have inputs');
  return downloadFile(c, row, 'inputs', name);
};
const modify = noGroups((c, row, [name = '']) => fileOp(c, row, name, 'modify'));
const remove = noGroups((c, row, [name = '']) => fileOp(c, row, name, 'delete'));
const getInfo = noGroups((c, row, [name = '']) => fileOp(c, row, name, 'get-info'));
const modifyInfo = noGroups((c, row, [name = '']) => fileOp(c, row, name, 'info'));
const classify = noGroups((c, row, [name = '']) => fileOp(c, row, name, 'classification'));

/**
 * File operations that analyses have too, though the spec lists only upload and download
 * for them: modify, delete, info and classification stay undocumented routes.
 */
function analysisFileExtras(
  routes: RouteTable,
  base: string,
  wrap: (h: RowHandler) => OpHandler,
): void {
  const file = `${base}/files/{FileName}`;
  routes.extra('PUT', file, wrap(modify));
  routes.extra('DELETE', file, wrap(remove));
  routes.extra('GET', `${file}/info`, wrap(getInfo));
  routes.extra('PATCH', `${file}/info`, wrap(modifyInfo));
  routes.extra('PATCH', `${file}/classification`, wrap(classify));
}

/** Container files, analysis outputs and inputs, directly and through an analysis' parent. */
export function registerFileRoutes(routes: RouteTable): void {
  for (const t of FILE_PARENTS) {
    routes.on(`upload_file_to_${t}`, direct(t, upload));
    routes.on(`download_file_from_${t}`, direct(t, download));
    routes.on(`modify_${t}_file`, direct(t, modify));
    routes.on(`delete_${t}_file`, direct(t, remove));
    routes.on(`get_${t}_file_info`, direct(t, getInfo));
    routes.on(`modify_${t}_file_info`, direct(t, modifyInfo));
    routes.on(`modify_${t}_file_classification`, direct(t, classify));
  }
  for (const t of ANALYSIS_PARENTS) {
    routes.on(`upload_output_to_${t}_analysis`, nested(t, upload));
    routes.on(`download_output_from_${t}_analysis`, nested(t, download));
    routes.on(`download_input_from_${t}_analysis`, nested(t, downloadInput));
    analysisFileExtras(routes, `/${pluralOf(t)}/{Id}/analyses/{AnalysisId}`, (h) => nested(t, h));
  }
  const a: OpType = 'analysis';
  routes.on('upload_output_to_analysis', direct(a, upload));
  routes.on('download_file_from_analysis', direct(a, download));
  routes.on('download_input_from_analysis', direct(a, downloadInput));
  analysisFileExtras(routes, '/analyses/{Id}', (h) => direct(a, h));
  routes.extra('GET', '/containers/{Id}/inputs/{FileName}', direct('container', downloadInput));
}
