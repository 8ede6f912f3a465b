import type { RouteTable } from '../../app/operations.js';
import { routeNotFound } from '../../app/operations.js';
import { requireAccess } from '../../app/access.js';
import { DELETE_NOTE, ok, readObject, replyUntyped } from '../../app/json.js';
import { addNote, deleteNote, findNote, modifyNote } from '../../app/subdocs.js';
import { parseDoc } from '../../db/containers.js';
import {
  ANALYSIS_PARENTS,
  direct,
  me,
  mutateDoc,
  nested,
  OP_TYPES,
  pluralOf,
  type RowHandler,
} from './target.js';

/** Groups have no notes (reached through `/containers/{id}` too). */
const noGroups =
  (h: RowHandler): RowHandler =>
  (c, row, args) => {
    if (row.type === 'group') throw routeNotFound(c);
    return h(c, row, args);
  };

const add: RowHandler = async (c, row) => {
  const user = me(c);
  requireAccess(c.get('state').db, user, row, 'rw');
  const body = await readObject(c);
  let note: Record<string, unknown> = {};
  mutateDoc(c, row, (doc) => {
    note = addNote(doc, body.text, user.doc._id);
  });
  return replyUntyped(c, { ...note, firstname: user.doc.firstname, lastname: user.doc.lastname });
};

const get: RowHandler = (c, row, [nid = '']) => {
  requireAccess(c.get('state').db, me(c), row, 'ro');
  return replyUntyped(c, findNote(parseDoc(row), nid));
};

const modify: RowHandler = async (c, row, [nid = '']) => {
  requireAccess(c.get('state').db, me(c), row, 'rw');
  const body = await readObject(c);
  mutateDoc(c, row, (doc) => modifyNote(doc, nid, body.text));
  return replyUntyped(c, 1);
};

const remove: RowHandler = (c, row, [nid = '']) => {
  requireAccess(c.get('state').db, me(c), row, 'rw');
  mutateDoc(c, row, (doc) => deleteNote(doc, nid));
  return ok(c, DELETE_NOTE, { deleted: 1 });
};

/** Notes on every type but groups, and on analyses below a container. */
export function registerNoteRoutes(routes: RouteTable): void {
  for (const t of OP_TYPES) {
    if (t === 'group') continue;
    routes.on(`add_${t}_note`, direct(t, noGroups(add)));
    routes.on(`get_${t}_note`, direct(t, noGroups(get)));
    routes.on(`modify_${t}_note`, direct(t, noGroups(modify)));
    routes.on(`delete_${t}_note`, direct(t, noGroups(remove)));
  }
  for (const t of ANALYSIS_PARENTS) {
    routes.on(`add_${t}_analysis_note`, nested(t, add));
    routes.on(`delete_${t}_analysis_note`, nested(t, remove));
    // undocumented: reading and editing a note through the analysis' parent
    const note = `/${pluralOf(t)}/{Id}/analyses/{AnalysisId}/notes/{NoteId}`;
    routes.extra('GET', note, nested(t, get));
    routes.extra('PUT', note, nested(t, modify));
  }
}
