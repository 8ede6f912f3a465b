/** The size/hash check of known-file downloads (`files/verify.ts`) on its own. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DownloadError } from '../../src/files/download-error.js';
import {
  contentCheck,
  EXPECTED_CONTENT,
  expectedContentOf,
  withKnownContent,
} from '../../src/files/verify.js';

const body = new TextEncoder().encode('hello, scans');
const sha384 = `v0-sha384-${createHash('sha384').update(body).digest('hex')}`;
const run = (expected: Parameters<typeof contentCheck>[0], bytes = body) => {
  const check = contentCheck(expected);
  check.update(bytes.subarray(0, 5));
  check.update(bytes.subarray(5));
  check.finish(bytes.byteLength);
};

describe('contentCheck', () => {
  it('passes the right size and hash (hex in either case)', () => {
    expect(() => run({ size: body.length, hash: sha384 })).not.toThrow();
    expect(() => run({ size: body.length, hash: sha384.toUpperCase() })).not.toThrow();
  });
  it('a wrong size is DownloadError "incomplete", a wrong hash "corrupt"', () => {
    expect(() => run({ size: body.length + 1, hash: sha384 })).toThrow(/Download incomplete/);
    const altered = body.slice();
    altered[3] = altered[3]! ^ 1;
    const err = (() => {
      try {
        run({ size: body.length, hash: sha384 }, altered);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as Error).message).toMatch(/Download corrupt: the body's sha384 differs/);
  });
  it('a hash format it does not know checks the size only', () => {
    expect(() => run({ size: body.length, hash: 'md5:abc' })).not.toThrow();
    expect(() => run({ size: 1, hash: 'md5:abc' })).toThrow(/incomplete/);
  });
});

describe('expectations from entries', () => {
  it('takes a whole size and a non-empty hash, else nothing', () => {
    expect(expectedContentOf({ size: 3, hash: 'h' })).toEqual({ size: 3, hash: 'h' });
    expect(expectedContentOf({ size: 1.5, hash: '' })).toBeUndefined();
    expect(expectedContentOf({})).toBeUndefined();
  });
  it('withKnownContent adds them only for a pinned version the list has', () => {
    const files = [{ name: 'a', version: 2, size: 3 }];
    expect(EXPECTED_CONTENT in withKnownContent(files, 'a', { version: 2 })).toBe(true);
    expect(EXPECTED_CONTENT in withKnownContent(files, 'a', { version: 1 })).toBe(false);
    expect(EXPECTED_CONTENT in withKnownContent(files, 'a', {})).toBe(false);
    expect(EXPECTED_CONTENT in withKnownContent(files, 'b', { version: 2 })).toBe(false);
  });
});
