/**
 * The error of a refused key check (see `auth.ts`): an `AuthenticationError` whose message names
 * the site and the way out, with the key scrubbed from everything the server sent back. Loaded
 * with the first refusal; it imports nothing of `auth.ts`, which would give that module a chunk
 * of its own in a bundle.
 */
import { AuthenticationError, type ApiError, type ApiErrorInit } from '@fw/api';

/** The `AuthenticationError` thrown when the check is refused; `status` is 401 or 403. */
class KeyRejectedError extends AuthenticationError {
  constructor(init: ApiErrorInit, message: string) {
    super(init);
    this.message = message;
    // The stack was captured with the generic message; capture it again with this one.
    const capture = (Error as { captureStackTrace?: (target: object, ctor?: unknown) => void })
      .captureStackTrace;
    if (typeof capture === 'function') capture(this, KeyRejectedError);
    else this.stack = `${this.name}: ${message}`;
  }

  override toString(): string {
    return `${this.name}: ${this.message}`;
  }
}

/** Where the client sends requests, shortened for a message: `https://flywheel.example.org`. */
function siteOf(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    return url.origin;
  } catch {
    return baseUrl;
  }
}

/** Replace every occurrence of the secret(s) in a text. */
function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('<api key>');
  return out;
}

function redactBody(body: unknown, secrets: readonly string[]): unknown {
  if (typeof body === 'string') return redact(body, secrets);
  if (body === null || typeof body !== 'object') return body;
  try {
    return JSON.parse(redact(JSON.stringify(body), secrets)) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The SDK's `AuthenticationError` for a refused key check: `err` is the 401 or 403 `ApiError`
 * (`authCheckError` in `auth.ts` tells it apart).
 */
export function keyRejectedError(
  err: ApiError,
  check: { path: string; baseUrl: string; secrets: readonly string[] },
): AuthenticationError {
  const { path, baseUrl, secrets } = check;
  const site = siteOf(baseUrl);
  // v21 puts the server's message in `reason`; a server may echo the key in it or in detail
  const reason = redact(err.reason, secrets);
  const detail = err.detail ? redact(err.detail, secrets) : undefined;
  const message =
    `The API key was rejected by ${site} (GET ${path} answered ${err.status} ${reason}` +
    `${detail ? `: ${detail}` : ''}). ` +
    `Check that the key is complete, not expired or revoked, and issued by this site ` +
    `(copy a fresh one from your profile page on ${site}, or log in again with \`fw login <key>\`). ` +
    `For a device (drone) key, or to skip this check, create the client with { disableAuthCheck: true }.`;
  return new KeyRejectedError(
    {
      status: err.status,
      reason,
      body: redactBody(err.body, secrets),
      ...(err.headers ? { headers: err.headers } : {}),
      method: err.method,
      url: err.url,
    },
    message,
  );
}
