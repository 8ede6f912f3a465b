/**
 * Project session templates: `POST/DELETE /projects/{id}/template`, `POST /projects/{id}/recalc`,
 * `POST /projects/recalc`. A session satisfies its project's templates when it matches any one
 * template: session label/tags and subject code/tags match (regexes), and for every acquisition
 * requirement the number of matching acquisitions (label/tags, and per file requirement the
 * number of matching files) lies in [minimum (1), maximum]. Sessions carry the result in
 * `satisfies_template` and `project_has_template`.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../../app/context.js';
import type { RouteTable } from '../../app/operations.js';
import { requireAccess } from '../../app/access.js';
import { badRequest, forbidden } from '../../app/errors.js';
import { ok, readObject } from '../../app/json.js';
import { compileRegex } from '../../query/index.js';
import { now } from '../../app/time.js';
import { isObj } from '../../app/validate.js';
import {
  getRow,
  parseDoc,
  saveContainer,
  type ContainerRow,
  type Doc,
} from '../../db/containers.js';
import type { Db } from '../../db/open.js';
import { direct, me, mutateDoc } from './target.js';

const STR = ['label', 'tags', 'code', 'mimetype', 'modality', 'classification'];
const INT = ['minimum', 'maximum'];

function checkOptions(
  v: unknown,
  where: string,
  nested: Record<string, (x: unknown, w: string) => void> = {},
) {
  if (v === undefined) return;
  if (!isObj(v)) throw badRequest(`"${where}" must be an object`);
  for (const [k, x] of Object.entries(v)) {
    if (nested[k]) nested[k](x, `${where}.${k}`);
    else if (STR.includes(k)) {
      if (typeof x !== 'string') throw badRequest(`"${where}.${k}" must be a string (a regex)`);
      try {
        compileRegex(x);
      } catch {
        throw badRequest(`"${where}.${k}" is not a valid regular expression`);
      }
    } else if (INT.includes(k)) {
      if (!Number.isSafeInteger(x) || (x as number) < 0)
        throw badRequest(`"${where}.${k}" must be a non-negative integer`);
    } else throw badRequest(`unexpected property "${where}.${k}"`);
  }
}

function checkTemplates(body: Doc): Doc[] {
  if (!Array.isArray(body.templates)) throw badRequest('"templates" must be a list');
  body.templates.forEach((t: unknown, i: number) => {
    if (!isObj(t)) throw badRequest(`"templates[${i}]" must be an object`);
    for (const k of Object.keys(t))
      if (k !== 'session' && k !== 'acquisitions')
        throw badRequest(`unexpected property "templates[${i}].${k}"`);
    checkOptions(t.session, `templates[${i}].session`, { subject: (x, w) => checkOptions(x, w) });
    if (t.acquisitions !== undefined) {
      if (!Array.isArray(t.acquisitions))
        throw badRequest(`"templates[${i}].acquisitions" must be a list`);
      t.acquisitions.forEach((a: unknown, j: number) =>
        checkOptions(a, `templates[${i}].acquisitions[${j}]`, {
          files: (x, w) => {
            if (!Array.isArray(x)) throw badRequest(`"${w}" must be a list`);
            x.forEach((f, k) => checkOptions(f, `${w}[${k}]`));
          },
        }),
      );
    }
  });
  return body.templates as Doc[];
}

const test = (pattern: unknown, value: unknown): boolean => {
  if (typeof pattern !== 'string') return true;
  const re = compileRegex(pattern);
  if (Array.isArray(value)) return value.some((v) => typeof v === 'string' && re.test(v));
  return typeof value === 'string' && re.test(value);
};
const within = (n: number, o: Doc) =>
  n >= (o.minimum ?? 1) && (o.maximum === undefined || n <= o.maximum);

function satisfies(db: Db, session: ContainerRow, t: Doc): boolean {
  const doc = parseDoc(session);
  const s = (t.session ?? {}) as Doc;
  if (!test(s.label, doc.label) || !test(s.tags, doc.tags ?? [])) return false;
  if (s.subject) {
    const subj = session.subject_id ? getRow(db, session.subject_id) : undefined;
    const sd = subj ? parseDoc(subj) : {};
    if (!test(s.subject.code, sd.code) || !test(s.subject.tags, sd.tags ?? [])) return false;
  }
  const acqs = (
    db
      .prepare(`SELECT * FROM containers WHERE type = 'acquisition' AND session_id = ?`)
      .all(session.id) as ContainerRow[]
  ).map((r) => ({
    doc: parseDoc(r),
    files: (
      db.prepare(`SELECT doc FROM files WHERE container_id = ? AND role = 'files'`).all(r.id) as {
        doc: string;
      }[]
    ).map((f) => JSON.parse(f.doc) as Doc),
  }));
  for (const a of (t.acquisitions ?? []) as Doc[]) {
    const n = acqs.filter(
      (q) =>
        test(a.label, q.doc.label) &&
        test(a.tags, q.doc.tags ?? []) &&
        ((a.files ?? []) as Doc[]).every((f) =>
          within(
            q.files.filter(
              (x) =>
                test(f.mimetype, x.mimetype) &&
                test(f.modality, x.modality) &&
                test(f.tags, x.tags ?? []) &&
                test(f.classification, Object.values((x.classification ?? {}) as Doc).flat()),
            ).length,
            f,
          ),
        ),
    ).length;
    if (!within(n, a)) return false;
  }
  return true;
}

/** Recompute every session of the project; answers the ids whose result changed. */
export function recalcProject(db: Db, project: ContainerRow): string[] {
  const templates = (parseDoc(project).templates ?? []) as Doc[];
  const has = templates.length > 0;
  const changed: string[] = [];
  db.transaction(() => {
    for (const s of db
      .prepare(`SELECT * FROM containers WHERE type = 'session' AND project_id = ?`)
      .all(project.id) as ContainerRow[]) {
      const doc = parseDoc(s);
      const sat = has ? templates.some((t) => satisfies(db, s, t)) : undefined;
      if (doc.satisfies_template === sat && (doc.project_has_template ?? false) === has) continue;
      if (doc.satisfies_template !== sat) changed.push(s.id);
      if (sat === undefined) delete doc.satisfies_template;
      else doc.satisfies_template = sat;
      doc.project_has_template = has;
      doc.modified = now();
      saveContainer(db, s, doc);
    }
  })();
  return changed;
}

/**
 * Change the project's templates and recompute its sessions in one transaction, so a failure
 * part-way never leaves sessions judged against templates the project no longer has.
 */
function saveAndRecalc(c: Context<AppEnv>, row: ContainerRow, change: (doc: Doc) => void): void {
  const db = c.get('state').db;
  db.transaction(() => {
    mutateDoc(c, row, change);
    recalcProject(db, getRow(db, row.id)!);
  })();
}

export function registerTemplateRoutes(routes: RouteTable): void {
  routes.on(
    'set_project_template',
    direct('project', async (c, row) => {
      const db = c.get('state').db;
      requireAccess(db, me(c), row, 'admin');
      const templates = checkTemplates(await readObject(c));
      saveAndRecalc(c, row, (doc) => {
        doc.templates = templates;
      });
      return ok(c, 'set_project_template', { modified: 1 });
    }),
  );
  routes.on(
    'remove_project_template',
    direct('project', (c, row) => {
      const db = c.get('state').db;
      requireAccess(db, me(c), row, 'admin');
      const before = parseDoc(row).templates;
      const had = Array.isArray(before) && before.length > 0;
      saveAndRecalc(c, row, (doc) => {
        delete doc.templates;
      });
      return ok(c, 'remove_project_template', { deleted: had ? 1 : 0 });
    }),
  );
  routes.on(
    'recalc_project',
    direct('project', (c, row) => {
      const db = c.get('state').db;
      requireAccess(db, me(c), row, 'rw');
      return ok(c, 'recalc_project', { sessions_changed: recalcProject(db, row) });
    }),
  );
  routes.on('recalc_all_projects', (c) => {
    const user = me(c);
    if (!user.isAdmin) throw forbidden('only site admins can recalculate every project');
    const db = c.get('state').db;
    const projects = db
      .prepare(
        `SELECT * FROM containers WHERE type = 'project' AND json_extract(doc, '$.templates') IS NOT NULL`,
      )
      .all() as ContainerRow[];
    const changed = projects.flatMap((p) => recalcProject(db, p));
    return ok(c, 'recalc_all_projects', { sessions_changed: changed });
  });
}
