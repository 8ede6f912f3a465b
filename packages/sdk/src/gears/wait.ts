/**
 * `job.wait()`: poll a job until it is finished (`complete`, `failed` or `cancelled`), with a
 * growing delay and an overall time limit (a job that never ends must not hang the caller).
 */
import { abortableSleep, ApiAbortError } from '@fw/api';
import { callOptions, type MethodOptions, type SdkContext } from '../models/context.js';
import type { Job } from '../models/others.js';
import { JobWaitTimeoutError } from './errors.js';

/** The states a job does not leave. */
export const FINAL_JOB_STATES: readonly string[] = ['complete', 'failed', 'cancelled'];

export interface JobWaitOptions extends MethodOptions {
  /** Give up after this long, in ms (default 600 000: the local engine's own time limit). */
  waitMs?: number;
  /** First delay between polls, in ms (default 100); it grows to `maxPollMs`. */
  pollMs?: number;
  /** Longest delay between polls, in ms (default 2000). */
  maxPollMs?: number;
}

/** Wait `ms`; an abort rejects as the job poll's own abort would. */
function sleep(ms: number, jobId: string, signal?: AbortSignal): Promise<void> {
  return abortableSleep(ms, signal).catch((reason: unknown) => {
    throw new ApiAbortError({ method: 'GET', url: `/jobs/${jobId}`, cause: reason });
  });
}

/** Poll `GET /jobs/{id}` until the job is finished; resolves to the finished job. */
export async function waitForJob(
  client: SdkContext,
  jobId: string,
  options: JobWaitOptions = {},
): Promise<Job> {
  const limit = options.waitMs ?? 600_000;
  const maxDelay = options.maxPollMs ?? 2000;
  let delay = options.pollMs ?? 100;
  const deadline = Date.now() + limit;
  for (;;) {
    const job: Job = await client.callOp('get_job', jobId, callOptions(options));
    if (FINAL_JOB_STATES.includes(String(job.state))) return job;
    const left = deadline - Date.now();
    if (left <= 0)
      throw new JobWaitTimeoutError(
        `job ${jobId} was still ${job.state} after ${limit} ms: wait longer ({ waitMs }) or check its logs (job.getLogs())`,
        jobId,
        job.state,
      );
    await sleep(Math.min(delay, left), jobId, options.signal);
    delay = Math.min(delay * 2, maxDelay);
  }
}
