import { expect, test } from 'vitest';
import { run } from '../topics/client.ts';
import { demo, exampleContext } from './helpers.ts';

test('the client derives the base URL from the key and reports the current user', async () => {
  const { client, report, text } = exampleContext();
  const result = await run(client, report);
  expect(result.baseUrl).toBe(demo().url);
  expect(result.userId).toMatch(/@/);
  expect(text()).toContain(result.userId);
  expect(text()).toContain('1. Client and current user');
});
