import type { Context } from 'hono';
import type { AppEnv } from '../../app/context.js';
import type { RouteTable } from '../../app/operations.js';
import { accessTo, requireAccess, requireUser } from '../../app/access.js';
import { loadContainer } from '../../app/containers.js';
import {
  deleteDoc,
  findDocs,
  getDocRow,
  insertDoc,
  mustDoc,
  saveDoc,
  shaped,
} from '../../app/documents.js';
import { badRequest, notFound } from '../../app/errors.js';
import { pageBody } from '../../app/finder.js';
import { readJson, replyUntyped } from '../../app/json.js';
import { now } from '../../app/time.js';
import { getRow } from '../../db/containers.js';
import type { Db } from '../../db/open.js';

/**
 * Audit-trail reports: a CSV of the change log (migration 4) of a project's containers, or of
 * some of its subjects and what lies below them, built when the report is requested.
 */
const KIND = 'audit_report';
const STATUSES = ['pending', 'complete', 'failed', 'in_progress', 'canceled'] as const;

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The report CSV: one row per recorded change, oldest first, with the changed fields. */
function buildCsv(db: Db, projectId: string, subjectIds: string[]): string {
  const scope = subjectIds.length
    ? `(c.container_id IN (SELECT id FROM containers WHERE subject_id IN (${subjectIds.map(() => '?').join(',')})) OR c.container_id IN (${subjectIds.map(() => '?').join(',')}))`
    : '(c.container_id = ? OR c.container_id IN (SELECT id FROM containers WHERE project_id = ?))';
  const params = subjectIds.length ? [...subjectIds, ...subjectIds] : [projectId, projectId];
  const rows = db
    .prepare(`SELECT c.* FROM change_log c WHERE ${scope} ORDER BY c.seq`)
    .all(...params) as {
    container_id: string;
    container_type: string;
    method: string;
    created: string;
    revision: number;
    doc: string | null;
  }[];
  const prev = new Map<string, Record<string, unknown>>();
  const lines = [
    [
      'timestamp',
      'container_type',
      'container_id',
      'label',
      'action',
      'revision',
      'changed_fields',
    ].join(','),
  ];
  for (const r of rows) {
    const doc = r.doc ? (JSON.parse(r.doc) as Record<string, unknown>) : {};
    const before = prev.get(r.container_id) ?? {};
    const changed = Object.keys({ ...before, ...doc }).filter(
      (k) =>
        !['modified', 'revision'].includes(k) &&
        JSON.stringify(before[k]) !== JSON.stringify(doc[k]),
    );
    prev.set(r.container_id, doc);
    if (r.method === 'UPDATE' && changed.length === 0) continue;
    lines.push(
      [
        r.created,
        r.container_type,
        r.container_id,
        doc.label ?? doc.code ?? '',
        r.method,
        r.revision,
        changed.join(' '),
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return lines.join('\n') + '\n';
}

function load(c: Context<AppEnv>, id: string, write: boolean) {
  const db = c.get('state').db;
  const user = requireUser(c.get('user'));
  const doc = mustDoc(db, KIND, id, 'audit trail report');
  const project = getRow(db, String(doc.project_id));
  if (!user.isAdmin) {
    if (!project || !accessTo(db, user, project))
      throw notFound(`audit trail report ${id} not found`);
    if (write) requireAccess(db, user, project, 'admin');
  }
  return doc;
}

export function registerAuditTrailRoutes(routes: RouteTable): void {
  routes.on('add_audit_trail_report', async (c) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;
    const body = shaped(await readJson(c), {
      fields: {
        project_id: 'string',
        subject_ids: { array: 'string' },
        label: 'string',
        status: { enum: STATUSES },
        created: 'datetime',
      },
      required: ['project_id', 'label'],
    });
    const project = loadContainer(db, 'project', String(body.project_id));
    requireAccess(db, user, project, 'admin');
    const subjects = (body.subject_ids as string[] | undefined) ?? [];
    for (const s of subjects) {
      const row = getRow(db, s);
      if (!row || row.type !== 'subject' || row.project_id !== project.id)
        throw badRequest(`subject ${s} is not in project ${project.id}`);
    }
    const csv = buildCsv(db, project.id, subjects);
    const report = insertDoc(
      db,
      KIND,
      {
        origin: { type: 'user', id: user.doc._id },
        project_id: project.id,
        subject_ids: subjects,
        label: body.label,
        status: 'complete',
        finished: now(),
        revision: 1,
        size: Buffer.byteLength(csv),
        csv,
      },
      { parent: project.id, owner: user.doc._id },
    );
    const { csv: _csv, ...out } = report;
    return replyUntyped(c, out);
  });
  routes.on('list_audit_trail_reports', (c) => {
    const user = requireUser(c.get('user'));
    const db = c.get('state').db;
    const { items, total } = findDocs(c, KIND);
    const visible = items.filter((d) => {
      if (user.isAdmin) return true;
      const p = getRow(db, String(d.project_id));
      return !!p && !!accessTo(db, user, p);
    });
    const out = visible.map(({ csv: _csv, ...d }) => d);
    return replyUntyped(c, pageBody(c, out, user.isAdmin ? total : out.length));
  });
  routes.on('modify_audit_trail_report', async (c, [id = '']) => {
    const doc = load(c, id, true);
    const body = shaped(await readJson(c), { fields: { status: { enum: STATUSES } } });
    if (body.status !== undefined) {
      if (body.status !== 'canceled' && body.status !== doc.status)
        throw badRequest('a report can only be canceled');
      doc.status = body.status;
      doc.revision = (doc.revision as number) + 1;
    }
    const { csv: _csv, ...out } = saveDoc(c.get('state').db, KIND, doc);
    return replyUntyped(c, out);
  });
  routes.on('delete_audit_trail_report', (c, [id = '']) => {
    load(c, id, true);
    deleteDoc(c.get('state').db, KIND, id);
    return replyUntyped(c, { deleted: 1 });
  });
  routes.on('download_audit_trail_report', (c, [id = '']) => {
    const doc = load(c, id, false);
    if (doc.status !== 'complete' || !getDocRow(c.get('state').db, KIND, id))
      throw badRequest(`audit trail report ${id} is ${String(doc.status)}`);
    return c.body(String(doc.csv ?? ''), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="audit-trail-${id}.csv"`,
    });
  });
}
