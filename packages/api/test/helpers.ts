import { createApiClient, type ApiClientOptions } from '../src/index.js';

export const KEY = 'sEcReTkEy0123456789';
export const API_KEY = `flywheel.example.org:${KEY}`;

export interface Recorded {
  requests: { method: string; url: string; headers: Headers; body: string | null }[];
  fetch: (req: Request) => Promise<Response>;
}

/** A fetch that records requests and answers from a queue of responders. */
export function scriptedFetch(
  ...responders: ((req: Request) => Response | Promise<Response>)[]
): Recorded {
  const requests: Recorded['requests'] = [];
  let i = 0;
  return {
    requests,
    async fetch(req: Request) {
      const body = req.body === null ? null : await req.text();
      requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      const responder = responders[Math.min(i, responders.length - 1)]!;
      i++;
      return responder(req);
    },
  };
}

export const json = (
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

/** Deterministic retry hooks: records sleeps, never waits. */
export function fakeClock(start = Date.UTC(2024, 0, 1)) {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => start,
    sleep: async (ms: number) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
  };
}

export function client(
  fetch: (req: Request) => Promise<Response>,
  extra: Partial<ApiClientOptions> = {},
) {
  const clock = fakeClock();
  const api = createApiClient({
    apiKey: API_KEY,
    fetch,
    now: clock.now,
    sleep: clock.sleep,
    random: clock.random,
    ...extra,
  });
  return { api, clock };
}
