import { describe, expect, it } from 'vitest';
import { operationTable } from '@fw/api/operations';
import { implementedOperations } from '../src/index.js';
import { compareTemplates, compileTemplate, pathArgs } from '../src/app/route-paths.js';
import { useServer } from './helpers/server.js';

const t = useServer();

describe('operation route table', () => {
  it('lists only spec operations, sorted, without starting a server', () => {
    const ids = implementedOperations();
    expect(ids.length).toBeGreaterThan(200);
    expect([...ids].sort()).toEqual(ids);
    expect(ids.filter((id) => !(id in operationTable))).toEqual([]);
    expect(ids).toContain('get_project_tag');
  });

  it('PUT /users/sync/{cid} answers 501 naming the spec operation without a handler', async () => {
    const id = 'sync_user';
    expect(id in operationTable).toBe(true);
    expect(implementedOperations()).not.toContain(id);
    const r = await t.call('PUT', '/users/sync/abc', { body: { x: 1 } });
    expect(r.status).toBe(501);
    expect(r.body.status_code).toBe(501);
    expect(typeof r.body.request_id).toBe('string');
    expect(r.body.message).toBe(
      `Operation ${id} (PUT /users/sync/{cid}) is not implemented by the local Flywheel server`,
    );
  });

  it('answers 404 for a path no operation has, 405 for a method a known path lacks', async () => {
    expect((await t.call('GET', '/no/such/path')).status).toBe(404);
    expect((await t.call('GET', '/projects/x/y/z/w')).status).toBe(404);
    const r = await t.call('PATCH', '/version');
    expect(r.status).toBe(405);
    expect(r.body.status_code).toBe(405);
  });

  it('reads parameters by position: decoded, file names with slashes', () => {
    const tpl = compileTemplate('/projects/{ProjectId}/files/{FileName}/info');
    expect(tpl.hono).toBe('/projects/:p0/files/:p1{.+}/info');
    expect(pathArgs(tpl, '/projects/a%20b/files/x/y%2Fz.nii.gz/info')).toEqual([
      'a b',
      'x/y/z.nii.gz',
    ]);
    expect(() => pathArgs(tpl, '/projects/%E0%A4%A/files/f/info')).toThrow(/percent-encoding/);
  });

  it('orders literal before parameter and longer file templates first', () => {
    const sorted = [
      '/users/{UserId}',
      '/projects/{ProjectId}/files/{FileName}',
      '/users/self',
      '/projects/{ProjectId}/files/{FileName}/info',
      '/{ContainerName}/{ContainerId}/{SubcontainerName}/analyses',
      '/projects/groups',
      '/projects/{ProjectId}',
    ]
      .map(compileTemplate)
      .sort(compareTemplates)
      .map((x) => x.template);
    expect(sorted).toEqual([
      '/projects/groups',
      '/projects/{ProjectId}/files/{FileName}/info',
      '/projects/{ProjectId}/files/{FileName}',
      '/projects/{ProjectId}',
      '/users/self',
      '/users/{UserId}',
      '/{ContainerName}/{ContainerId}/{SubcontainerName}/analyses',
    ]);
  });
});
