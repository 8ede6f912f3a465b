/**
 * Whether this runtime's `fetch` can send a streamed request body over plain HTTP/1.1: Node, Deno
 * and Bun can; browsers cannot (Chromium streams request bodies only over HTTP/2 and fails the
 * request otherwise; Firefox and Safari not at all), so there the SDK sends bodies whole.
 *
 * A module of its own so that the client can ask it without loading the upload code.
 */
export function requestStreamsSupported(): boolean {
  const g = globalThis as {
    Deno?: unknown;
    Bun?: unknown;
    process?: { versions?: { node?: string } };
  };
  return Boolean(g.Deno || g.Bun || g.process?.versions?.node);
}
