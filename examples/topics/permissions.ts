/**
 * Who may do what: the site's roles, and per-user access levels (`ro`, `rw`, `admin`) on a
 * project. The example adds a user, grants and changes their access, then removes it again.
 */
import { ConflictError, type Client } from '@fw/sdk/node';
import type { Report } from '../src/format/report.ts';
import { lookupDemoProject } from '../src/site/lookup.ts';
import { isMain, runStandalone } from '../src/site/standalone.ts';

const COLLABORATOR = {
  _id: 'ada@example.org',
  firstname: 'Ada',
  lastname: 'Lovelace',
  email: 'ada@example.org',
};

export async function run(fw: Client, report: Report) {
  report.section('Roles and permissions');

  report.call('await fw.getAllRoles()');
  const roles = await fw.getAllRoles();
  report.table(
    [
      { header: 'role', value: (r) => r.label },
      { header: 'default', value: (r) => r.default_flywheel_role ?? '' },
      { header: 'actions', value: (r) => r.actions.join(', ') },
    ],
    roles,
  );

  report.call(
    `await fw.addUser({ _id: '${COLLABORATOR._id}', firstname: 'Ada', lastname: 'Lovelace' })`,
  );
  try {
    await fw.addUser(COLLABORATOR);
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err; // already there from an earlier run
  }

  const project = await lookupDemoProject(fw);
  if ((project.permissions ?? []).some((p) => p._id === COLLABORATOR._id))
    await project.deletePermission(COLLABORATOR._id);
  report.call(`await project.addPermission({ _id: '${COLLABORATOR._id}', access: 'ro' })`);
  await project.addPermission({ _id: COLLABORATOR._id, access: 'ro' });
  report.call(`await project.updatePermission('${COLLABORATOR._id}', { access: 'rw' })`);
  await project.updatePermission(COLLABORATOR._id, { access: 'rw' });
  const granted = (await project.reload()).permissions ?? [];
  report.table(
    [
      { header: 'user', value: (p) => p._id },
      { header: 'access', value: (p) => p.access },
    ],
    granted,
  );

  report.call(`await project.deletePermission('${COLLABORATOR._id}')`);
  await project.deletePermission(COLLABORATOR._id);
  const after = (await project.reload()).permissions ?? [];
  report.ok(`${after.length} permission(s) left on ${project.label}`);

  return {
    roleLabels: roles.map((r) => r.label),
    defaultRoles: roles.map((r) => r.default_flywheel_role).filter(Boolean),
    granted: granted.map((p) => ({ _id: p._id, access: p.access })),
    remaining: after.map((p) => p._id),
  };
}

if (isMain(import.meta.url)) await runStandalone(run);
