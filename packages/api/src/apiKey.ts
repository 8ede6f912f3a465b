import { ApiKeyError } from './errors.js';

/** Result of `parseApiKey`. `key` is non-enumerable: it is left out of JSON, spreads and console output. */
export interface ParsedApiKey {
  /** `<scheme>://<host>:<port>/api` (the port is always explicit). */
  readonly baseUrl: string;
  /** The secret part (last segment). Non-enumerable. */
  readonly key: string;
  readonly host: string;
  readonly port: number;
  /** false when the key contains a `__force_insecure` segment (plain http). */
  readonly secure: boolean;
  /** `Authorization` scheme for this key: `Bearer` for 57-character keys, else `scitran-user`. */
  readonly authScheme: AuthScheme;
}

export type AuthScheme = 'Bearer' | 'scitran-user';

/** Keys of exactly this many characters are sent as `Authorization: Bearer <key>` (v21 rule). */
export const BEARER_KEY_LENGTH = 57;

/** The `Authorization` scheme v21 uses for a secret: decided by its length alone. */
export function authSchemeFor(key: string): AuthScheme {
  return Array.from(key).length === BEARER_KEY_LENGTH ? 'Bearer' : 'scitran-user';
}

/** The `Authorization` header value for a parsed key (`Bearer <key>` or `scitran-user <key>`). */
export function authorizationHeader(parsed: Pick<ParsedApiKey, 'key'>): string {
  return `${authSchemeFor(parsed.key)} ${parsed.key}`;
}

const INSECURE = '__force_insecure';

/**
 * Parse a Flywheel API key: `host:KEY`, `host:port:KEY`, `host:port:__force_insecure:KEY`.
 * Only the last segment is the secret; a `__force_insecure` segment anywhere between the host
 * and the secret selects http. The port is the first other segment after the host (default 443,
 * or 80 for an insecure key without a port); any further segments are ignored, as in v21.
 * Throws `ApiKeyError` (whose message never contains the key) when it cannot be parsed.
 */
export function parseApiKey(apiKey: string): ParsedApiKey {
  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    throw new ApiKeyError(
      'Invalid API key: expected a non-empty string of the form "host[:port]:key"',
    );
  }
  const bad = badCharacter(apiKey.trim());
  if (bad !== undefined) {
    throw new ApiKeyError(
      `Invalid API key: it contains ${bad}, which an HTTP header cannot carry; copy the key again from your Flywheel profile page (no spaces or line breaks)`,
    );
  }
  const parts = apiKey.trim().split(':');
  if (parts.length < 2) {
    throw new ApiKeyError(
      'Invalid API key: it has no host part; expected "host:key", "host:port:key" or "host:port:__force_insecure:key"',
    );
  }
  const key = parts[parts.length - 1]!;
  const host = parts[0]!;
  const middle = parts.slice(1, -1);
  const secure = !middle.includes(INSECURE);
  if (host === '' || host === INSECURE)
    throw new ApiKeyError('Invalid API key: the host part is empty');
  if (key === '' || key === INSECURE)
    throw new ApiKeyError('Invalid API key: the key part is empty');

  let port = secure ? 443 : 80;
  const portText = middle.find((p) => p !== INSECURE);
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      throw new ApiKeyError('Invalid API key: the segment after the host must be a port number');
    }
    port = Number(portText);
  }
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const baseUrl = `${secure ? 'https' : 'http'}://${hostPart}:${port}/api`;
  let parsedUrl: URL | undefined;
  try {
    parsedUrl = new URL(baseUrl);
  } catch {
    parsedUrl = undefined;
  }
  if (!parsedUrl || parsedUrl.pathname !== '/api') {
    throw new ApiKeyError(
      'Invalid API key: the host part is not a valid host name; expected e.g. "flywheel.example.org:KEY"',
    );
  }
  const result = {
    baseUrl,
    host,
    port,
    secure,
    authScheme: authSchemeFor(key),
  };
  Object.defineProperty(result, 'key', {
    value: key,
    enumerable: false,
    writable: false,
    configurable: false,
  });
  return result as ParsedApiKey;
}

const NAMED: Record<number, string> = { 0: 'NUL', 9: 'a tab', 10: 'LF', 13: 'CR', 32: 'a space' };

/**
 * The first character a key cannot hold, described without quoting the key (`CR at position
 * 12`), or undefined. Keys are printable ASCII: header values cannot carry control characters,
 * and a space or non-ASCII character is never part of a Flywheel key.
 */
function badCharacter(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x21 && code <= 0x7e) continue;
    const what = NAMED[code] ?? `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    return `${what} at position ${i + 1}`;
  }
  return undefined;
}
