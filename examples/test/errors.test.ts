import { expect, test } from 'vitest';
import { run } from '../topics/errors.ts';
import { exampleContext } from './helpers.ts';

test('API failures surface as ApiError with status and reason; findOne counts matches', async () => {
  const { client, report, text } = exampleContext();
  const result = await run(client, report);
  expect(result.notFound).toEqual({ status: 404, reason: 'Not Found', isNotFoundError: true });
  expect(result.badPathStatus).toBe(404);
  expect(result.findOneCount).toBe(2);
  expect(text()).toContain('err.status');
});
