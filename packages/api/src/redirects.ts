/**
 * Following redirects by hand (v21's Safe-Redirect), loaded by the transport with the first
 * redirect answer it must follow.
 */
type AttemptInit = RequestInit & { duplex?: 'half' };

/** Headers that describe a request body; dropped when a redirect turns the request into a GET. */
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language'];
/** Credentials never sent to another origin than the one they were meant for. */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * Follow a redirect answer the way v21's `Safe-Redirect` feature expects of a client: 301/302/303/
 * 307/308 with a `Location` are followed (up to `rules.max`); 303, and 301/302 after a POST,
 * continue as a body-less GET (HEAD stays HEAD); 307/308 repeat the method and the (replayable)
 * body; and `Authorization` (and any cookie) is dropped as soon as a hop leaves the origin, so a
 * signed storage URL never sees the Flywheel key. Returns the first non-redirect response.
 */
export async function followRedirects(
  send: (url: string, init: AttemptInit) => Promise<Response>,
  first: Response,
  startUrl: string,
  startInit: AttemptInit,
  // The transport's rules, passed in so that this module imports nothing of the first load.
  rules: { statuses: ReadonlySet<number>; max: number; fail: (message: string) => never },
): Promise<Response> {
  const { statuses, max, fail } = rules;
  let response = first;
  let url = startUrl;
  let init = startInit;
  for (let hops = 0; statuses.has(response.status); hops++) {
    const location = response.headers.get('location');
    if (location === null) return response;
    if (hops >= max) fail(`stopped after ${max} redirects`);
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      return fail('the redirect target is not a valid URL');
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:')
      fail(`refused a redirect to a ${next.protocol} URL`);
    await response.body?.cancel().catch(() => undefined);
    const headers = new Headers(init.headers);
    const method = (init.method ?? 'GET').toUpperCase();
    let nextMethod = method;
    let body = init.body ?? null;
    if (
      (response.status === 303 && method !== 'GET' && method !== 'HEAD') ||
      ((response.status === 301 || response.status === 302) && method === 'POST')
    ) {
      nextMethod = 'GET';
      body = null;
      for (const name of BODY_HEADERS) headers.delete(name);
    }
    if (originOf(url) !== next.origin) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
    init = { ...init, method: nextMethod, headers, body };
    if (body === null) delete init.duplex;
    url = next.href;
    response = await send(url, init);
  }
  return response;
}
