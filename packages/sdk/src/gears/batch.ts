/**
 * Batch runs: a `BatchProposal` (what `POST /batch` answers: which targets matched the gear's
 * inputs) runs with `proposal.run()` (`POST /batch/{id}/run`, resolves to the jobs made);
 * `cancel()` (`POST /batch/{id}/cancel`) cancels the batch's pending jobs.
 */
import { Model } from '../models/base.js';
import { callOptions, type MethodOptions } from '../models/context.js';
import type { Job } from '../models/others.js';
import type { Schemas } from '../client/op-types.js';

/** How a batch treats optional inputs: `ignored`, `flexible` or `required`. */
export type OptionalInputPolicy = Schemas['OptionalInputPolicy'];

/** Shared by proposals and batches: both are addressed by the batch id. */
abstract class BatchBase extends Model {
  /** Cancel the batch: its pending jobs become `cancelled`; resolves to how many were. */
  async cancel(options?: MethodOptions): Promise<number> {
    const out = await this._client.callOp('cancel_batch', this.id, callOptions(options));
    return (out as { number_cancelled?: number })?.number_cancelled ?? 0;
  }
  /** The batch as it is now (`GET /batch/{id}`). */
  async getBatch(options?: MethodOptions): Promise<Batch> {
    const raw = await this._client.callOp('get_batch', this.id, callOptions(options));
    return new Batch(this._client, raw as object);
  }
}

/** A proposed batch (`ClassicBatchProposalOutput`): `matched`, `ambiguous`, `not_matched`. */
export class BatchProposal extends BatchBase {
  /** Start the batch: one job per matched target; resolves to the jobs. */
  run(options?: MethodOptions): Promise<Job[]> {
    return this._client.callOp('start_batch', this.id, callOptions(options));
  }
}
export interface BatchProposal extends Omit<
  Schemas['ClassicBatchProposalOutput'],
  'created' | 'modified'
> {
  created?: Date;
  modified?: Date;
}

/** A batch (`GET /batch/{id}`): its state and job ids. */
export class Batch extends BatchBase {}
export interface Batch extends Omit<Schemas['Batch'], 'created' | 'modified'> {
  created?: Date;
  modified?: Date;
}
