import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  cliCredentialsPath,
  CredentialsError,
  readCliCredentials,
} from '../../src/node/credentials.js';

const KEY = 'fw.example.com:8443:SUPERSECRETKEY123';
let root: string;
let home: string;

beforeEach(async () => {
  root ??= await mkdtemp(join(tmpdir(), 'fw-home-'));
  home = await mkdtemp(join(root, 'h-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function writeUserJson(text: string) {
  await mkdir(join(home, '.config', 'flywheel'), { recursive: true });
  await writeFile(join(home, '.config', 'flywheel', 'user.json'), text);
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('readCliCredentials', () => {
  it('reads the key field', async () => {
    await writeUserJson(JSON.stringify({ key: KEY, other: 1 }));
    expect(readCliCredentials(home)).toBe(KEY);
  });

  it('defaults to the HOME directory', async () => {
    await writeUserJson(JSON.stringify({ key: KEY }));
    const saved = process.env.HOME;
    process.env.HOME = home;
    try {
      expect(cliCredentialsPath()).toBe(join(home, '.config', 'flywheel', 'user.json'));
      expect(readCliCredentials()).toBe(KEY);
    } finally {
      process.env.HOME = saved;
    }
  });

  it('missing file → tells the user to log in, naming the path', () => {
    const err = errorOf(() => readCliCredentials(home));
    expect(err).toBeInstanceOf(CredentialsError);
    expect(err.message).toContain(join(home, '.config', 'flywheel', 'user.json'));
    expect(err.message).toMatch(/fw login/);
    expect(err.message).toMatch(/API key/);
  });

  it('malformed JSON → names the file, never prints the contents', async () => {
    await writeUserJson(`{"key": "${KEY}",`);
    const err = errorOf(() => readCliCredentials(home));
    expect(err).toBeInstanceOf(CredentialsError);
    expect(err.message).toMatch(/not valid JSON/);
    expect(err.message).toContain('user.json');
    expect(err.message).not.toContain('SUPERSECRET');
    expect(String(err.cause ?? '')).not.toContain('SUPERSECRET');
    expect(JSON.stringify(err)).not.toContain('SUPERSECRET');
  });

  it('missing or non-string key → clear error without the contents', async () => {
    for (const text of [
      '{}',
      '{"key": null}',
      '{"key": ""}',
      '[1]',
      '"str"',
      `{"apikey":"${KEY}"}`,
    ]) {
      await writeUserJson(text);
      const err = errorOf(() => readCliCredentials(home));
      expect(err).toBeInstanceOf(CredentialsError);
      expect(err.message).toMatch(/no "key" field/);
      expect(err.message).not.toContain('SUPERSECRET');
    }
  });
});
