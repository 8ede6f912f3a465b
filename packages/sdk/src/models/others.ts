/** Non-container objects: jobs, gears, users, roles. */
import type { Finder } from '../finders/finder.js';
import type { BodyOf, OpJson, Schemas } from '../client/op-types.js';
import { Model, ResourceModel, registerModel } from './base.js';
import { UpdateMethods, applyMixins } from './mixins.js';
import { callOptions, type MethodOptions } from './context.js';
import type { WithDates } from './dates.js';
import type { Analysis } from './containers.js';
import {
  GearInvocation,
  type ContainerLike,
  type GearLike,
  type ProposeBatchOptions,
} from '../gears/invocation.js';
import type { BatchProposal } from '../gears/batch.js';
import { defaultConfig, type FileInputLike } from '../gears/manifest-check.js';
import { isAnalysisManifest, type GearManifestLike } from '../gears/manifest.js';
import { waitForJob, type JobWaitOptions } from '../gears/wait.js';

type Data<N extends string> = N extends keyof Schemas
  ? WithDates<Schemas[N]>
  : Record<string, unknown>;

/** One job log entry (`{ fd, msg }`). */
export type JobLog = Schemas['JobLog'];
/** A job priority (`low`, `medium`, `high`, …). */
export type JobPriority = Schemas['JobPriority'];

/** Job methods (full and list form). */
export interface JobMethods {
  /** Change fields on the server (`PUT /jobs/{job_id}`); the local object is not changed. */
  update(fields: BodyOf<'modify_job'>, options?: MethodOptions): Promise<void>;
  /** Move the job to another state (`PUT /jobs/{job_id}` with `{ state }`). */
  changeState(
    state: NonNullable<BodyOf<'modify_job'>['state']>,
    options?: MethodOptions,
  ): Promise<void>;
  /** The job's log entries (`GET /jobs/{job_id}/logs`, its `logs`). */
  getLogs(options?: MethodOptions): Promise<JobLog[]>;
  /** Change the job's priority (`PUT /jobs/priority` with `{ job_ids: [id], priority }`). */
  updatePriority(priority: JobPriority, options?: MethodOptions): Promise<void>;
  /** The full job (`GET /jobs/{job_id}`); this object is left as it is. */
  reload(options?: MethodOptions): Promise<Job>;
  /**
   * Poll until the job is `complete`, `failed` or `cancelled` and resolve to it; throws
   * `JobWaitTimeoutError` after `waitMs` (default 10 min). This object is left as it is.
   */
  wait(options?: JobWaitOptions): Promise<Job>;
}

/**
 * A job: one run of a gear on inputs from containers, writing outputs to a destination
 * container, with its state (`pending` … `complete`), config and logs. Wire model `JobOutput`
 * (by-id reads); finders yield `JobListOutput`.
 */
export class Job extends ResourceModel {
  static readonly containerType = 'job';
}
Object.defineProperties(Job.prototype, {
  changeState: {
    configurable: true,
    writable: true,
    async value(this: Job, state: string, options?: MethodOptions) {
      await this._client.callOp('modify_job', this.id, { state }, callOptions(options));
    },
  },
  getLogs: {
    configurable: true,
    writable: true,
    async value(this: Job, options?: MethodOptions) {
      const log = await this._client.callOp('get_job_logs', this.id, callOptions(options));
      return (log as { logs?: [] })?.logs ?? [];
    },
  },
  wait: {
    configurable: true,
    writable: true,
    value(this: Job, options?: JobWaitOptions) {
      return waitForJob(this._client, this.id, options);
    },
  },
  updatePriority: {
    configurable: true,
    writable: true,
    async value(this: Job, priority: string, options?: MethodOptions) {
      await this._client.callOp(
        'update_jobs_priority',
        { job_ids: [this.id], priority },
        callOptions(options),
      );
    },
  },
});
export interface Job extends Omit<Data<'JobOutput'>, 'id'>, JobMethods {}
/** A job as list reads answer it (`JobListOutput`, `_id` instead of `id`); `reload()` for the full `Job`. */
export interface JobListOutput
  extends ResourceModel, Omit<Data<'JobListOutput'>, 'id'>, JobMethods {}

/** A file or container reference, or any object with `ref()`. */
export type RefLike =
  | { ref(): { type: string; id: string; name?: string } }
  | { type: string; id: string; name?: string };

/** Options of `Gear.run` (checked against the manifest before any request). */
export interface GearRunOptions extends MethodOptions {
  /** Config values; merged over the gear's defaults. */
  config?: Record<string, unknown>;
  /** Input name → file (a FileEntry, or `{ type, id, name }`). */
  inputs?: Record<string, RefLike>;
  /** Where results go: a container object or `{ type, id }`. Required for analysis gears. */
  destination?: RefLike;
  /** Analysis label (analysis gears; default `<gear name> <local date time>`). */
  analysisLabel?: string;
  tags?: string[];
  /** Job priority (default `medium`, as the Python SDK's gear invocation). */
  priority?: JobPriority;
}

/** Options of `Gear.proposeBatch`. */
export interface GearBatchOptions extends ProposeBatchOptions {
  config?: Record<string, unknown>;
  analysisLabel?: string;
  tags?: string[];
  priority?: JobPriority;
}

/**
 * A gear: an installed, versioned processing container (converter, analysis, QA …) that jobs
 * run; `gear` holds its manifest (name, version, inputs, config). Wire model `GearDocument`.
 */
export class Gear extends Model {
  static readonly containerType = 'gear';
  /** Whether running it creates an analysis (`category`, or the manifest's gear-builder category). */
  isAnalysisGear(): boolean {
    return isAnalysisManifest(this.category, this.gear as GearManifestLike);
  }
  /** `{ option: default }` over the manifest's config; options without a default are left out (v21). */
  getDefaultConfig(): Record<string, unknown> {
    return defaultConfig((this.gear ?? {}) as GearManifestLike);
  }
  /** A fresh copy from the server. */
  reload(options?: MethodOptions): Promise<this> {
    return this._client.callOp('get_gear', this.id, callOptions(options));
  }
  /** A `GearInvocation` to fill in step by step (`setInput`, `updateConfig`, … then `run()`). */
  createInvocation(): GearInvocation {
    return new GearInvocation(this as unknown as GearLike);
  }
  /**
   * Run the gear. Config and inputs are checked against the manifest first (a mistake throws
   * `GearConfigError` / `GearInputError`, nothing is sent). A utility gear resolves to its
   * queued `Job`; an analysis gear to the `Analysis` made on `destination` with its job.
   */
  run(options: GearRunOptions = {}): Promise<Job | Analysis> {
    const inv = this.createInvocation();
    inv.updateConfig(options.config ?? {});
    for (const [name, file] of Object.entries(options.inputs ?? {}))
      inv.setInput(name, file as FileInputLike);
    if (options.destination) inv.setDestination(options.destination);
    if (options.analysisLabel !== undefined) inv.setAnalysisLabel(options.analysisLabel);
    inv.addTags(options.tags ?? []);
    if (options.priority) inv.setPriority(options.priority);
    return inv.run(options);
  }
  /** Propose running the gear on each container (a batch); `proposal.run()` starts it. */
  proposeBatch(
    containers: readonly ContainerLike[],
    options: GearBatchOptions = {},
  ): Promise<BatchProposal> {
    const inv = this.createInvocation();
    inv.updateConfig(options.config ?? {});
    if (options.analysisLabel !== undefined) inv.setAnalysisLabel(options.analysisLabel);
    inv.addTags(options.tags ?? []);
    if (options.priority) inv.setPriority(options.priority);
    return inv.proposeBatch(containers, options);
  }
}
/** An installed gear (`GearDocument`: `gear` is the manifest, `category`, `exchange`). */
export interface Gear extends Data<'GearDocument'> {}

/** A site user (`UserOutput`). */
export class User extends ResourceModel {
  static readonly containerType = 'user';
}
export interface User extends Data<'UserOutput'> {
  /** Change fields of this user (`PUT /users/{user_id}`); this object is left as it is. */
  update(fields: BodyOf<'modify_user'>, options?: MethodOptions): Promise<void>;
  /** A fresh copy (`GET /users/{user_id}`). */
  reload(options?: MethodOptions): Promise<User>;
}

/** A role (named set of actions; `default_flywheel_role` is `admin`, `rw` or `ro` for the defaults). */
export class Role extends Model {
  static readonly containerType = 'role';
}
export interface Role extends Data<'RoleOutput'> {}

applyMixins(Job, [UpdateMethods]);
applyMixins(User, [UpdateMethods]);
registerModel(Job as never, ['Job', 'JobOutput', 'JobListOutput'], 'job');
registerModel(Gear as never, ['Gear', 'GearDocument'], 'gear');
registerModel(User as never, ['User', 'UserOutput'], 'user');
registerModel(Role as never, ['Role', 'RoleOutput'], 'role');

export type { Finder };
