import { describe, expect, it } from 'vitest';
import { ApiKeyError, ConfigurationError, createApiClient, parseApiKey } from '../src/index.js';

describe('parseApiKey', () => {
  it.each([
    [
      'host.example.org:KEY1',
      'https://host.example.org:443/api',
      'host.example.org',
      443,
      true,
      'KEY1',
    ],
    [
      'host.example.org:8443:KEY2',
      'https://host.example.org:8443/api',
      'host.example.org',
      8443,
      true,
      'KEY2',
    ],
    [
      '127.0.0.1:8080:__force_insecure:KEY3',
      'http://127.0.0.1:8080/api',
      '127.0.0.1',
      8080,
      false,
      'KEY3',
    ],
    [
      'localhost:__force_insecure:9000:KEY4',
      'http://localhost:9000/api',
      'localhost',
      9000,
      false,
      'KEY4',
    ],
    ['localhost:__force_insecure:KEY5', 'http://localhost:80/api', 'localhost', 80, false, 'KEY5'],
    ['h:1:2:3:LAST', 'https://h:1/api', 'h', 1, true, 'LAST'],
  ])('%s', (input, baseUrl, host, port, secure, key) => {
    const parsed = parseApiKey(input);
    expect(parsed).toEqual({ baseUrl, host, port, secure, authScheme: 'scitran-user' });
    expect(parsed.key).toBe(key);
  });

  it('hides the key from enumeration, JSON and spreads', () => {
    const parsed = parseApiKey('host:8443:TOPSECRET');
    expect(Object.keys(parsed)).not.toContain('key');
    expect(JSON.stringify(parsed)).not.toContain('TOPSECRET');
    expect(JSON.stringify({ ...parsed })).not.toContain('TOPSECRET');
    expect(parsed.key).toBe('TOPSECRET');
  });

  it.each([
    'TOPSECRET',
    '',
    ':TOPSECRET',
    'host:',
    'host:notaport:TOPSECRET',
    'host:99999:TOPSECRET',
  ])('rejects %j without echoing it', (input) => {
    let caught: unknown;
    try {
      parseApiKey(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ApiKeyError);
    expect(caught).toBeInstanceOf(ConfigurationError);
    expect(String(caught)).not.toContain('TOPSECRET');
    expect(JSON.stringify(caught)).not.toContain('TOPSECRET');
  });

  it('createApiClient rejects a key without host before any request', () => {
    let calls = 0;
    const fetch = async () => {
      calls++;
      return new Response('{}');
    };
    expect(() => createApiClient({ apiKey: 'TOPSECRET', fetch })).toThrow(ApiKeyError);
    expect(() => createApiClient({ apiKey: 'TOPSECRET', fetch })).toThrow(/no host part/);
    expect(calls).toBe(0);
  });
});
