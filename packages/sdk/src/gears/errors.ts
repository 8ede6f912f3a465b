/**
 * Errors of gear runs, thrown before any request is sent (a bad input or config value) or while
 * waiting for a job. Each has a stable `code`, like every `FlywheelError`.
 */
import { FlywheelError } from '@fw/api';

/** A gear run could not be built (e.g. an analysis gear without a destination). */
export class GearRunError extends FlywheelError {
  override name = 'GearRunError';
  override readonly code: string = 'FW_GEAR_RUN';
}

/** An input does not fit the gear's manifest (unknown name, missing, not a file, wrong file type). */
export class GearInputError extends GearRunError {
  override name = 'GearInputError';
  override readonly code: string = 'FW_GEAR_INPUT';
  constructor(
    message: string,
    /** The manifest input the problem is about. */
    readonly input: string,
  ) {
    super(message);
  }
}

/** A config value does not fit the gear's manifest (unknown key, wrong type, out of range, missing). */
export class GearConfigError extends GearRunError {
  override name = 'GearConfigError';
  override readonly code: string = 'FW_GEAR_CONFIG';
  constructor(
    message: string,
    /** The manifest config option the problem is about. */
    readonly option: string,
  ) {
    super(message);
  }
}

/** `job.wait()` gave up: the job was still not finished when the time limit ran out. */
export class JobWaitTimeoutError extends FlywheelError {
  override name = 'JobWaitTimeoutError';
  override readonly code: string = 'FW_JOB_WAIT_TIMEOUT';
  constructor(
    message: string,
    readonly jobId: string,
    /** The job's state when the wait gave up. */
    readonly state: string | undefined,
  ) {
    super(message);
  }
}
