import type { Db } from './open.js';

export const CONTAINER_TYPES = [
  'group',
  'project',
  'subject',
  'session',
  'acquisition',
  'analysis',
  'collection',
] as const;
export type CType = (typeof CONTAINER_TYPES)[number];

export const PLURAL: Record<CType, string> = {
  group: 'groups',
  project: 'projects',
  subject: 'subjects',
  session: 'sessions',
  acquisition: 'acquisitions',
  analysis: 'analyses',
  collection: 'collections',
};
export const SINGULAR: Record<string, CType> = Object.fromEntries(
  Object.entries(PLURAL).map(([k, v]) => [v, k as CType]),
) as Record<string, CType>;

/** Hierarchy levels that appear in `parents`, top-down. */
export const LEVELS = ['group', 'project', 'subject', 'session', 'acquisition'] as const;
export type Level = (typeof LEVELS)[number];

export interface ContainerRow {
  id: string;
  type: CType;
  label: string | null;
  code: string | null;
  parent_type: string | null;
  parent_id: string | null;
  group_id: string | null;
  project_id: string | null;
  subject_id: string | null;
  session_id: string | null;
  acquisition_id: string | null;
  perm_id: string | null;
  created: string;
  modified: string;
  doc: string;
}

export type Doc = Record<string, any>;

/** Column map for the finder/search compilers (field path → indexed column). */
export function containerColumns(alias = ''): Record<string, string> {
  const a = alias ? `${alias}.` : '';
  return {
    _id: `${a}id`,
    label: `${a}label`,
    created: `${a}created`,
    modified: `${a}modified`,
    // the expression of the containers_timestamp index, spelled the same so the planner uses it
    timestamp: `json_extract(${a}doc, '$.timestamp')`,
    'parents.group': `${a}group_id`,
    'parents.project': `${a}project_id`,
    'parents.subject': `${a}subject_id`,
    'parents.session': `${a}session_id`,
    'parents.acquisition': `${a}acquisition_id`,
  };
}

export function getRow(db: Db, id: string): ContainerRow | undefined {
  return db.prepare('SELECT * FROM containers WHERE id = ?').get(id) as ContainerRow | undefined;
}

export function getRowOfType(db: Db, type: CType, id: string): ContainerRow | undefined {
  return db.prepare('SELECT * FROM containers WHERE id = ? AND type = ?').get(id, type) as
    ContainerRow | undefined;
}

/** Index columns derived from the document, so the two can never disagree. */
function columnsOf(type: CType, doc: Doc, permId: string | null) {
  const parents: Doc = doc.parents ?? {};
  let parentType: string | null = null;
  let parentId: string | null = null;
  if (type === 'analysis') {
    parentType = doc.parent?.type ?? null;
    parentId = doc.parent?.id ?? null;
  } else {
    for (const lvl of LEVELS) {
      if (parents[lvl]) {
        parentType = lvl;
        parentId = parents[lvl];
      }
    }
  }
  return {
    id: doc._id as string,
    type,
    label: (type === 'subject' ? (doc.code ?? doc.label) : doc.label) ?? null,
    code: doc.code ?? null,
    parent_type: parentType,
    parent_id: parentId,
    group_id: parents.group ?? null,
    project_id: parents.project ?? null,
    subject_id: parents.subject ?? null,
    session_id: parents.session ?? null,
    acquisition_id: parents.acquisition ?? null,
    perm_id: permId,
    created: doc.created as string,
    modified: doc.modified as string,
    doc: JSON.stringify(doc),
  };
}

export function insertContainer(db: Db, type: CType, doc: Doc, permId: string | null): void {
  const c = columnsOf(type, doc, permId);
  db.prepare(
    `INSERT INTO containers (id, type, label, code, parent_type, parent_id, group_id, project_id,
      subject_id, session_id, acquisition_id, perm_id, created, modified, doc)
     VALUES (@id, @type, @label, @code, @parent_type, @parent_id, @group_id, @project_id,
      @subject_id, @session_id, @acquisition_id, @perm_id, @created, @modified, @doc)`,
  ).run(c);
}

/** Rewrite a container's document (and its index columns). */
export function saveContainer(db: Db, row: ContainerRow, doc: Doc): void {
  doc.revision = (typeof doc.revision === 'number' ? doc.revision : 1) + 1;
  const c = columnsOf(row.type, doc, row.perm_id);
  db.prepare(
    `UPDATE containers SET label=@label, code=@code, parent_type=@parent_type, parent_id=@parent_id,
      group_id=@group_id, project_id=@project_id, subject_id=@subject_id, session_id=@session_id,
      acquisition_id=@acquisition_id, perm_id=@perm_id, modified=@modified, doc=@doc WHERE id=@id`,
  ).run(c);
}

export const parseDoc = (row: { doc: string }): Doc => JSON.parse(row.doc) as Doc;

/** The container and every descendant (children, and analyses attached anywhere below). */
export function subtreeIds(db: Db, id: string): string[] {
  const rows = db
    .prepare(
      `SELECT id FROM containers WHERE id = @id OR group_id = @id OR project_id = @id OR subject_id = @id
         OR session_id = @id OR acquisition_id = @id OR parent_id = @id`,
    )
    .all({ id }) as { id: string }[];
  const ids = new Set(rows.map((r) => r.id));
  // analyses whose parent is in the subtree but whose ancestry columns do not name `id`
  const stmt = db.prepare(`SELECT id FROM containers WHERE type = 'analysis' AND parent_id = ?`);
  for (const x of [...ids]) for (const r of stmt.all(x) as { id: string }[]) ids.add(r.id);
  return [...ids];
}

/**
 * Delete a container with its descendants and their file entries, in one transaction.
 * Returns the blob ids that are no longer referenced; the caller removes them after commit.
 */
export function deleteSubtree(db: Db, id: string): string[] {
  return db.transaction(() => {
    const ids = subtreeIds(db, id);
    const blobs: string[] = [];
    // latest versions, superseded versions and unfinished signed uploads of each container
    const blobQueries = [
      db.prepare('SELECT blob_id FROM files WHERE container_id = ?'),
      db.prepare('SELECT blob_id FROM file_versions WHERE container_id = ?'),
      db.prepare(
        'SELECT p.blob_id FROM upload_parts p JOIN upload_tickets t ON t.id = p.ticket_id WHERE t.container_id = ?',
      ),
    ];
    const deletes = [
      db.prepare('DELETE FROM files WHERE container_id = ?'),
      db.prepare('DELETE FROM file_versions WHERE container_id = ?'),
      db.prepare('DELETE FROM upload_tickets WHERE container_id = ?'), // parts cascade
      db.prepare('DELETE FROM containers WHERE id = ?'),
    ];
    for (const x of ids) {
      for (const q of blobQueries)
        for (const f of q.all(x) as { blob_id: string | null }[])
          if (f.blob_id) blobs.push(f.blob_id);
      for (const d of deletes) d.run(x);
    }
    return unreferenced(db, blobs);
  })();
}

/** Of these blob ids, the ones no file entry (latest or older version) points at any more. */
export function unreferenced(db: Db, blobIds: string[]): string[] {
  const stmt = db.prepare(
    'SELECT 1 FROM files WHERE blob_id = @b UNION ALL SELECT 1 FROM file_versions WHERE blob_id = @b LIMIT 1',
  );
  return [...new Set(blobIds)].filter((b) => !stmt.get({ b }));
}
