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

describe('keys a header cannot carry (issue 13 §3)', () => {
  const secret = 'sEcReT0123456789abcdef';
  const cases: [string, string, RegExp][] = [
    ['CR', `fw.example.org:${secret}\rX`, /CR at position/],
    ['LF', `fw.example.org:sEc\nReT`, /LF at position/],
    ['CRLF header injection', `fw.example.org:${secret}\r\nX-Evil: 1`, /CR at position/],
    ['NUL', `fw.example.org:${secret}\u0000`, /NUL at position/],
    ['inner space', `fw.example.org:${secret} x`, /a space at position/],
    ['non-ASCII', `fw.example.org:${secret}é`, /U\+00E9 at position/],
    ['emoji', `fw.example.org:${secret}\u{1F600}`, /U\+D83D at position/],
  ];
  for (const [label, key, message] of cases) {
    it(`${label}: ApiKeyError naming the character, never the key`, () => {
      let err: unknown;
      try {
        parseApiKey(key);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ApiKeyError);
      const e = err as ApiKeyError;
      expect(e.message).toMatch(message);
      expect(e.code).toBe('FW_API_KEY');
      for (const text of [e.message, String(e), e.stack ?? '', JSON.stringify(e)])
        expect(text).not.toContain(secret.slice(0, 8));
    });
  }

  it('an unparseable host is a ConfigurationError (ApiKeyError), not a raw TypeError', () => {
    for (const key of [
      'exa^mple.org:KEY1234',
      'a[b:KEY1234',
      'host/path:KEY1234',
      'a%zz:KEY1234',
    ]) {
      expect(() => parseApiKey(key), key).toThrow(ConfigurationError);
      expect(() => parseApiKey(key), key).toThrow(/host part is not a valid host name/);
    }
  });

  it('createApiClient: a bad baseUrl is a ConfigurationError', () => {
    expect(() =>
      createApiClient({ apiKey: 'fw.example.org:KEY1234', baseUrl: 'not a url' }),
    ).toThrow(ConfigurationError);
  });
});
