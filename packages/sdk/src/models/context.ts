import type { CallOptions } from '@fw/api';
import type { Finder } from '../finders/finder.js';

/**
 * Per-call options every SDK object method takes as its last argument, the same as the
 * generated client methods: `signal` (abort), `timeoutMs` (per attempt), `maxRetries`.
 */
export interface MethodOptions {
  /** Abort the call (rejects with `ApiAbortError`). */
  signal?: AbortSignal | undefined;
  /** Time limit for each attempt in ms, until response headers arrive (0 = none). Overrides the client's. */
  timeoutMs?: CallOptions['timeoutMs'];
  /** Retries for this call (idempotent requests only). Overrides the client's. */
  maxRetries?: CallOptions['maxRetries'];
}

/** The call options of an options object (`signal`, `timeoutMs`, `maxRetries`), others dropped. */
export function callOptions(options: object | undefined): MethodOptions {
  const out: Record<string, unknown> = {};
  if (options) {
    for (const k of ['signal', 'timeoutMs', 'maxRetries'] as const) {
      const v = (options as Record<string, unknown>)[k];
      if (v !== undefined && v !== null) out[k] = v;
    }
  }
  return out as MethodOptions;
}

/** Split `(...keys, options?)`: a trailing plain object is the call options. */
export function keysAndOptions(args: readonly unknown[]): {
  keys: string[];
  options: MethodOptions;
} {
  const last = args[args.length - 1];
  if (last !== null && typeof last === 'object' && !Array.isArray(last)) {
    return {
      keys: (args.slice(0, -1) as (string | string[])[]).flat(),
      options: callOptions(last),
    };
  }
  return { keys: (args as (string | string[])[]).flat(), options: {} };
}

/**
 * What SDK objects need from the client that created them. `Client` implements it; objects
 * keep it as a hidden (non-enumerable) `_client` property.
 */
export interface SdkContext {
  /**
   * Call the client method generated for a snake_case operationId (`add_project_tag`) or one
   * of its derived helpers (`set_project_info`, `get_project_download_url`). Throws a clear
   * error when the API has no such operation.
   */
  callOp(name: string, ...args: unknown[]): Promise<any>;
  /** Whether `callOp(name)` would find a method. */
  hasOp(name: string): boolean;
  /** A finder over a list operation, with its leading path parameters bound. */
  listFinder<T>(
    operationId: string,
    bound: readonly string[],
    description: string,
    /** Model to wrap the items in, when the operation's answer names none. */
    model?: string,
  ): Finder<T>;
}

/** Python's `params_to_dict`: accept one plain object of fields. */
export function fieldsOf(fields: unknown, method: string): Record<string, unknown> {
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
    throw new TypeError(
      `${method} expects one object of fields, got ${fields === null ? 'null' : typeof fields}`,
    );
  }
  return { ...(fields as Record<string, unknown>) };
}
