import type { CurrentUser } from './context.js';
import { createJob, getGear, saveJob } from './jobs.js';
import { listDocs, type StoredDoc } from './documents.js';
import { getRow, type Doc } from '../db/containers.js';
import type { Db } from '../db/open.js';

/**
 * Gear rules fire on new files, as on a site: every enabled rule of the file's project whose
 * conditions hold (`all` of them, at least one of `any` when given, none of `not`) queues a job
 * of its gear with the file as the triggering input, the rule's config, tags and priority.
 */
type Cond = { type: string; value: unknown; regex?: boolean };

function glob(pattern: string): RegExp {
  const src = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${src}$`, 'i');
}

function textMatch(value: unknown, actual: unknown, regex?: boolean, isName = false): boolean {
  if (typeof actual !== 'string' || typeof value !== 'string') return false;
  if (regex) {
    try {
      return new RegExp(value).test(actual);
    } catch {
      return false;
    }
  }
  return isName ? glob(value).test(actual) : value.toLowerCase() === actual.toLowerCase();
}

const classes = (f: Doc): string[] =>
  Object.values((f.classification ?? {}) as Record<string, unknown>)
    .flat()
    .filter((x): x is string => typeof x === 'string');

function holds(c: Cond, file: Doc, siblings: Doc[], parentType: string): boolean {
  const any = (xs: unknown[]) => xs.some((x) => textMatch(c.value, x, c.regex));
  switch (c.type) {
    case 'file.type':
      return textMatch(c.value, file.type, c.regex);
    case 'file.name':
      return textMatch(c.value, file.name, c.regex, true);
    case 'file.modality':
      return textMatch(c.value, file.modality, c.regex);
    case 'file.classification':
      return any(classes(file));
    case 'file.tags':
      return any((file.tags ?? []) as unknown[]);
    case 'file.parent_ref.type':
      return textMatch(c.value, parentType, c.regex);
    case 'container.has-type':
      return any(siblings.map((f) => f.type));
    case 'container.has-classification':
      return any(siblings.flatMap(classes));
    default:
      return false; // gear.name / gear.version describe job outputs, not uploads
  }
}

export function ruleMatches(
  rule: StoredDoc,
  file: Doc,
  siblings: Doc[],
  parentType: string,
): boolean {
  if (rule.disabled) return false;
  const all = (rule.all ?? []) as Cond[];
  const any = (rule.any ?? []) as Cond[];
  const not = (rule.not ?? []) as Cond[];
  if (all.length + any.length + not.length === 0) return false;
  return (
    all.every((c) => holds(c, file, siblings, parentType)) &&
    (any.length === 0 || any.some((c) => holds(c, file, siblings, parentType))) &&
    !not.some((c) => holds(c, file, siblings, parentType))
  );
}

/** Queue the jobs the project's rules ask for on new files of one container; their ids. */
export function runGearRules(
  db: Db,
  user: CurrentUser,
  containerId: string,
  files: Doc[],
): string[] {
  const row = getRow(db, containerId);
  const projectId = row?.type === 'project' ? row.id : row?.project_id;
  if (!row || !projectId) return [];
  const rules = listDocs(db, 'gear_rule', { parent: projectId });
  if (rules.length === 0) return [];
  const siblings = (
    db
      .prepare("SELECT doc FROM files WHERE container_id = ? AND role = 'files'")
      .all(containerId) as { doc: string }[]
  ).map((r) => JSON.parse(r.doc) as Doc);
  const spawned: string[] = [];
  for (const file of files)
    for (const rule of rules) {
      if (!ruleMatches(rule, file, siblings, row.type)) continue;
      const gear = getGear(db, String(rule.gear_id));
      if (!gear) continue;
      const inputs = Object.entries(
        ((gear.gear as Doc | undefined)?.inputs ?? {}) as Record<string, Doc>,
      );
      const input =
        (rule.triggering_input as string | undefined) ??
        inputs.find(([, v]) => v?.base === 'file')?.[0];
      if (!input) continue;
      let job: Doc;
      try {
        job = createJob(
          db,
          user,
          {
            gear_id: gear._id,
            inputs: { [input]: { type: row.type, id: row.id, name: file.name } },
            config: rule.config ?? {},
            tags: rule.tags ?? [],
          },
          { type: row.type, id: row.id },
        );
      } catch {
        continue; // a rule that cannot run (e.g. an input the gear lacks) does not block the upload
      }
      job.origin = { type: 'gear_rule', id: rule._id };
      if (rule.priority) job.priority = rule.priority;
      if (rule.compute_provider_id) job.compute_provider_id = rule.compute_provider_id;
      saveJob(db, job);
      spawned.push(job._id as string);
    }
  return spawned;
}
