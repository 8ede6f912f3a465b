import type { Finder } from '../finders/finder.js';

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
