/**
 * Type helpers over `@fw/api`'s generated `operations`, used by the generated client methods
 * and the container objects: a spec change flows through `pnpm generate` into these types.
 */
import type { components, operations } from '@fw/api';

export type Schemas = components['schemas'];
export type SchemaName = keyof Schemas;
export type OperationId = keyof operations;

type Op<K> = K extends OperationId ? operations[K] : never;

/** Query parameters of an operation (wire names), `{}` when it has none. */
export type OpQuery<K> =
  Op<K> extends { parameters: { query?: infer Q } }
    ? [Q] extends [undefined]
      ? {}
      : NonNullable<Q>
    : {};

/** JSON request body of an operation. */
export type OpBody<K> =
  Op<K> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

type SuccessCode = 200 | 201 | 202;
type ResponsesOf<K> = Op<K> extends { responses: infer R } ? R : never;

/** JSON data of an operation's success response (`void` when it has none). */
export type OpJson<K> = {
  [C in SuccessCode & keyof ResponsesOf<K>]: ResponsesOf<K>[C] extends {
    content: { 'application/json': infer J };
  }
    ? J
    : void;
}[SuccessCode & keyof ResponsesOf<K>];

/** Body or `fields` of the update operation for a container type. */
export type UpdateFields<T extends string> = OpBody<`modify_${T}`>;
/** Body of the create operation for a container type. */
export type CreateFields<T extends string> = OpBody<`add_${T}`>;

import type { DateInputs, ListModels, Models } from '../models/types.js';
import type { WithDates } from '../models/dates.js';
import type { FileSpec } from '../files/file-spec.js';
import type { MethodOptions } from '../models/context.js';
import type { ProgressCallback } from '../files/upload.js';
import type { CallOptions as ApiCallOptions } from '@fw/api';
import type { OnResponse } from './raw-response.js';

/** Options every SDK call takes: `signal`, `timeoutMs`, `idleTimeoutMs`, `maxRetries`, `onResponse`. */
export interface CallOptions extends Pick<
  ApiCallOptions,
  'signal' | 'timeoutMs' | 'idleTimeoutMs' | 'maxRetries'
> {
  /** Called with the raw HTTP response and its request id (see `Client.withResponse`). */
  onResponse?: OnResponse;
}

/** JSON body of an operation as the SDK accepts it (date fields may be `Date`s). */
export type BodyOf<K> = DateInputs<OpBody<K>>;

/**
 * The SDK object type for an `x-fw-model` name and response schema: the list form for a list
 * model (`SessionListOutput`), else the class (`Session`); falls back to the schema's data type
 * (dates parsed) when the SDK has no class for it.
 */
export type ModelOf<M extends string, S extends string = M> = S extends keyof ListModels
  ? ListModels[S]
  : M extends keyof Models
    ? Models[M]
    : S extends SchemaName
      ? WithDates<Schemas[S]>
      : unknown;

/** File classification: aspect → values (`{ Intent: ['Structural'], Custom: ['x'] }`). */
export type Classification = Record<string, string[]>;

/** The member listing of a stored zip file. */
export type FileZipInfo = WithDates<Schemas['FileZipInfo']>;

/** A file to upload: a FileSpec, or a local path (Node entry only). */
export type UploadInput = FileSpec | string;

/** Options of upload operations. */
export interface UploadOptions extends MethodOptions {
  /** `metadata` form part: an object (JSON-encoded) or JSON text. */
  metadata?: string | object;
  /** Upload progress. */
  onProgress?: ProgressCallback;
}
