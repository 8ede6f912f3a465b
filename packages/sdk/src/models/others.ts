/** Non-container objects: jobs, gears, users, roles. */
import type { Finder } from '../finders/finder.js';
import type { BodyOf, OpJson, Schemas } from '../client/op-types.js';
import { Model, ResourceModel, registerModel } from './base.js';
import { UpdateMethods, applyMixins } from './mixins.js';
import { callOptions, type MethodOptions } from './context.js';
import type { WithDates } from './dates.js';

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

/** Options of `Gear.run`. */
export interface GearRunOptions {
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

function refOf(value: RefLike): { type: string; id: string; name?: string } {
  return 'ref' in value && typeof value.ref === 'function'
    ? value.ref()
    : (value as { type: string; id: string });
}

function localStamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * A gear: an installed, versioned processing container (converter, analysis, QA …) that jobs
 * run; `gear` holds its manifest (name, version, inputs, config). Wire model `GearDocument`.
 */
export class Gear extends Model {
  static readonly containerType = 'gear';
  /** Whether running it creates an analysis (`category === 'analysis'`). */
  isAnalysisGear(): boolean {
    const self = this as unknown as { category?: string; gear?: { category?: string } };
    return (self.category ?? self.gear?.category) === 'analysis';
  }
  /** `{ option: default }` over the manifest's config; options without a default are left out (v21). */
  getDefaultConfig(): Record<string, unknown> {
    const config =
      (this as unknown as { gear?: { config?: Record<string, { default?: unknown }> } }).gear
        ?.config ?? {};
    return Object.fromEntries(
      Object.entries(config)
        .filter(([, spec]) => spec?.default !== undefined && spec?.default !== null)
        .map(([k, spec]) => [k, spec.default]),
    );
  }
  /** A fresh copy from the server. */
  reload(options?: MethodOptions): Promise<this> {
    return this._client.callOp('get_gear', this.id, callOptions(options));
  }
  /**
   * Run the gear. Utility gears queue a job (`POST /jobs/add`) and resolve to the job id;
   * analysis gears create an analysis with a job on `destination` and resolve to its id.
   */
  async run(options: GearRunOptions = {}): Promise<string> {
    const config = { ...this.getDefaultConfig(), ...(options.config ?? {}) };
    const inputs = Object.fromEntries(
      Object.entries(options.inputs ?? {}).map(([k, v]) => [k, refOf(v)]),
    );
    const tags = options.tags ?? [];
    const priority = options.priority ?? 'medium';
    if (!this.isAnalysisGear()) {
      const body: Record<string, unknown> = { gear_id: this.id, inputs, config, tags, priority };
      if (options.destination) {
        const { type, id } = refOf(options.destination);
        body['destination'] = { type, id };
      }
      return this._client.callOp('add_job', body);
    }
    if (!options.destination) {
      throw new TypeError(
        `Gear "${(this as unknown as Data<'GearDocument'>).gear?.name}" is an analysis gear: run() needs a destination`,
      );
    }
    const dest = refOf(options.destination);
    const label =
      options.analysisLabel ??
      `${(this as unknown as { gear: { name: string } }).gear.name} ${localStamp(new Date())}`;
    return this._client.callOp(`add_${dest.type}_analysis`, dest.id, {
      label,
      job: { gear_id: this.id, inputs, config, tags, priority },
    });
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
