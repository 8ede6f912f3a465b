/**
 * Who may do what: the site's roles, and per-user project permissions, which (v21) are role
 * based: `{ _id, role_ids }`. The example adds a user, grants the default read-only role, switches
 * it to the default read-write role, then removes the permission again.
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
      // v21 roles list dozens of actions: show how many, and one to recognise each by.
      { header: 'actions', value: (r) => String(r.actions.length) },
      { header: 'e.g.', value: (r) => r.actions[r.actions.length - 1] ?? '' },
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

  // The site's default roles carry default_flywheel_role 'ro', 'rw' or 'admin'.
  const roleOf = (access: string) => {
    const role = roles.find((r) => r.default_flywheel_role === access);
    if (!role) throw new Error(`the site has no default '${access}' role`);
    return role;
  };
  const readOnly = roleOf('ro');
  const readWrite = roleOf('rw');
  const labels = new Map(roles.map((r) => [r.id, r.label]));

  const project = await lookupDemoProject(fw);
  if ((project.permissions ?? []).some((p) => p._id === COLLABORATOR._id))
    await project.deletePermission(COLLABORATOR._id);
  report.call(
    `await project.addPermission({ _id: '${COLLABORATOR._id}', role_ids: [readOnly.id] })`,
  );
  await project.addPermission({ _id: COLLABORATOR._id, role_ids: [readOnly.id] });
  report.call(
    `await project.updatePermission('${COLLABORATOR._id}', { role_ids: [readWrite.id] })`,
  );
  await project.updatePermission(COLLABORATOR._id, { role_ids: [readWrite.id] });
  const granted = (await project.reload()).permissions ?? [];
  const roleNames = (ids: readonly string[]) => ids.map((id) => labels.get(id) ?? id);
  report.table(
    [
      { header: 'user', value: (p) => p._id },
      { header: 'roles', value: (p) => roleNames(p.role_ids).join(', ') },
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
    granted: granted.map((p) => ({ _id: p._id, roles: roleNames(p.role_ids) })),
    remaining: after.map((p) => p._id),
  };
}

if (isMain(import.meta.url)) await runStandalone(run);
