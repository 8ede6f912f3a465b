import { expect, test } from 'vitest';
import { run } from '../topics/errors.ts';
import { exampleContext } from './helpers.ts';

test('API failures surface as ApiError with status and reason; findOne counts matches', async () => {
  const { client, report, text } = exampleContext();
  const result = await run(client, report);
  // The reason is the JSON body's message when the server sends one (v21 SDK behaviour).
  expect(result.notFound).toEqual({
    status: 404,
    reason: 'project 000000000000000000000000 not found',
    isNotFoundError: true,
  });
  expect(result.badPathStatus).toBe(404);
  expect(result.findOneCount).toBe(2);
  expect(text()).toContain('err.status');
});
