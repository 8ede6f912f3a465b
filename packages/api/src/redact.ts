/**
 * Key scrubbing. A server or proxy may echo request headers into an error body, and a fetch
 * implementation may put a header value in its own error message (undici does for invalid
 * header characters), so the transport scrubs every error it throws, whatever the source: the
 * message, the stack, every enumerable field (deeply) and the whole `cause` chain.
 */

export const REDACTED = '***';

/** The forms a secret can take in text: as is, and percent-encoded (URLs, query strings). */
function secretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (!s) continue;
    forms.add(s);
    forms.add(encodeURIComponent(s));
  }
  // longest first, so a key that contains another secret is replaced whole
  return [...forms].sort((a, b) => b.length - a.length);
}

/** `text` with every secret replaced by `***`. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secretForms(secrets)) if (out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

function scrubValue(value: unknown, forms: readonly string[], seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value, forms);
  if (typeof value !== 'object' || value === null || seen.has(value)) return value;
  seen.add(value);
  if (value instanceof Error) {
    scrubErrorInPlace(value, forms, seen);
    return value;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = scrubValue(value[i], forms, seen);
    return value;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  for (const key of Object.keys(value)) {
    const record = value as Record<string, unknown>;
    record[key] = scrubValue(record[key], forms, seen);
  }
  return value;
}

function setOwn(target: object, key: string, value: unknown): void {
  try {
    Object.defineProperty(target, key, {
      value,
      writable: true,
      configurable: true,
      enumerable: Object.prototype.propertyIsEnumerable.call(target, key),
    });
  } catch {
    // frozen foreign error: nothing we can do but leave it out (see scrubError)
  }
}

function scrubErrorInPlace(err: Error, forms: readonly string[], seen: WeakSet<object>): void {
  if (typeof err.message === 'string') setOwn(err, 'message', redactText(err.message, forms));
  if (typeof err.stack === 'string') setOwn(err, 'stack', redactText(err.stack, forms));
  for (const key of Object.keys(err)) {
    const record = err as unknown as Record<string, unknown>;
    const next = scrubValue(record[key], forms, seen);
    if (next !== record[key]) setOwn(err, key, next);
  }
  const cause = (err as { cause?: unknown }).cause;
  if (cause !== undefined) setOwn(err, 'cause', scrubValue(cause, forms, seen));
  if (err instanceof AggregateError) scrubValue(err.errors, forms, seen);
}

/**
 * Remove every secret from an error, in place, and return it: message, stack, enumerable fields
 * (bodies, `detail`, `reason`, nested objects) and the `cause` chain. Non-errors are returned
 * as a redacted copy when they are strings.
 */
export function scrubError<T>(err: T, secrets: readonly string[]): T {
  const forms = secretForms(secrets);
  if (forms.length === 0) return err;
  return scrubValue(err, forms, new WeakSet()) as T;
}
