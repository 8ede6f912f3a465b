import type { RouteTable } from '../../app/operations.js';
import { requireUser } from '../../app/access.js';
import {
  deleteDoc,
  findDocs,
  insertDoc,
  mustDoc,
  saveDoc,
  shaped,
  type Shape,
} from '../../app/documents.js';
import { badRequest, notFound } from '../../app/errors.js';
import { readJson, replyUntyped } from '../../app/json.js';

/** Custom filters (saved task filters), private to the user who made them. */
const KIND = 'custom_filter';
const FILTER_IN: Shape = {
  fields: { filter: 'any', view: { enum: ['tasks'] }, label: 'string' },
  required: ['filter', 'view', 'label'],
};

function checkFilter(v: unknown): void {
  if (typeof v !== 'string' && (v === null || typeof v !== 'object' || Array.isArray(v)))
    throw badRequest('filter must be a string or an object');
}

export function registerCustomFilterRoutes(routes: RouteTable): void {
  routes.on('create_custom_filter', async (c) => {
    const user = requireUser(c.get('user'));
    const body = shaped(await readJson(c), FILTER_IN, 'filter');
    checkFilter(body.filter);
    if ((body.label as string).trim() === '') throw badRequest('label must not be empty');
    const doc = insertDoc(
      c.get('state').db,
      KIND,
      {
        label: body.label,
        filter: body.filter,
        view: body.view,
        origin: { type: 'user', id: user.doc._id },
      },
      { owner: user.doc._id },
    );
    return replyUntyped(c, doc);
  });
  routes.on('get_all_custom_filters', (c) => {
    const user = requireUser(c.get('user'));
    const { items, total } = findDocs(c, KIND, [{ sql: 'd.owner = ?', params: [user.doc._id] }]);
    return replyUntyped(c, { results: items, total, count: items.length });
  });
  const own = (c: Parameters<Parameters<RouteTable['on']>[1]>[0], id: string) => {
    const user = requireUser(c.get('user'));
    const doc = mustDoc(c.get('state').db, KIND, id, 'custom filter');
    if (doc.origin?.id !== user.doc._id) throw notFound(`custom filter ${id} not found`);
    return doc;
  };
  routes.on('update_custom_filter', async (c, [id = '']) => {
    const doc = own(c, id);
    const body = shaped(await readJson(c), FILTER_IN, 'filter');
    checkFilter(body.filter);
    Object.assign(doc, { label: body.label, filter: body.filter, view: body.view });
    return replyUntyped(c, saveDoc(c.get('state').db, KIND, doc));
  });
  routes.on('delete_custom_filter', (c, [id = '']) => {
    own(c, id);
    deleteDoc(c.get('state').db, KIND, id);
    return replyUntyped(c, { deleted: 1 });
  });
}
