import { expect, test } from 'vitest';
import { run } from '../topics/permissions.ts';
import { exampleContext } from './helpers.ts';

test('the default roles exist and a granted permission is changed and removed', async () => {
  const { client, report } = exampleContext();
  const result = await run(client, report);
  expect(result.defaultRoles.sort()).toEqual(['admin', 'ro', 'rw']);
  expect(result.granted).toContainEqual({ _id: 'ada@example.org', roles: ['read-write'] });
  expect(result.remaining).not.toContain('ada@example.org');
});
