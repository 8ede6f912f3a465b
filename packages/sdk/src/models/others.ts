/** Non-container objects: jobs, gears, users, roles. */
import type { Finder } from '../finders/finder.js';
import type { BodyOf, OpJson, Schemas } from '../client/op-types.js';
import { Model, ResourceModel, registerModel } from './base.js';
import { UpdateMethods, applyMixins } from './mixins.js';
import type { WithDates } from './dates.js';

type Data<N extends string> = N extends keyof Schemas
  ? WithDates<Schemas[N]>
  : Record<string, unknown>;

/** A gear job. */
export class Job extends ResourceModel {
  static readonly containerType = 'job';
  /** Move the job to another state (`PUT /jobs/{id}` with `{ state }`). */
  async changeState(state: string): Promise<void> {
    await this._client.callOp('modify_job', this.id, { state });
  }
  /** The job's log entries (`[{ fd, msg }]`). */
  async getLogs(): Promise<NonNullable<NonNullable<OpJson<'get_job_logs'>>['logs']>> {
    const log = await this._client.callOp('get_job_logs', this.id);
    return (log as { logs?: [] })?.logs ?? [];
  }
}
export interface Job extends Omit<Data<'Job'>, 'id'> {
  update(fields: BodyOf<'modify_job'>): Promise<void>;
}

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

/** An installed gear. */
export class Gear extends Model {
  static readonly containerType = 'gear';
  /** Whether running it creates an analysis (`category === 'analysis'`). */
  isAnalysisGear(): boolean {
    const self = this as unknown as { category?: string; gear?: { category?: string } };
    return (self.category ?? self.gear?.category) === 'analysis';
  }
  /** `{ option: default }` over the manifest's config (null where no default). */
  getDefaultConfig(): Record<string, unknown> {
    const config =
      (this as unknown as { gear?: { config?: Record<string, { default?: unknown }> } }).gear
        ?.config ?? {};
    return Object.fromEntries(
      Object.entries(config).map(([k, spec]) => [k, spec?.default ?? null]),
    );
  }
  /** A fresh copy from the server. */
  reload(): Promise<this> {
    return this._client.callOp('get_gear', this.id);
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
    if (!this.isAnalysisGear()) {
      const body: Record<string, unknown> = { gear_id: this.id, inputs, config, tags };
      if (options.destination) {
        const { type, id } = refOf(options.destination);
        body['destination'] = { type, id };
      }
      return this._client.callOp('add_job', body);
    }
    if (!options.destination) {
      throw new TypeError(
        `Gear "${(this as unknown as Data<'Gear'>).gear?.name}" is an analysis gear: run() needs a destination`,
      );
    }
    const dest = refOf(options.destination);
    const label =
      options.analysisLabel ??
      `${(this as unknown as { gear: { name: string } }).gear.name} ${localStamp(new Date())}`;
    return this._client.callOp(`add_${dest.type}_analysis`, dest.id, {
      label,
      job: { gear_id: this.id, inputs, config, tags },
    });
  }
}
export interface Gear extends Data<'Gear'> {}

/** A site user. */
export class User extends ResourceModel {
  static readonly containerType = 'user';
}
export interface User extends Data<'User'> {
  update(fields: BodyOf<'modify_user'>): Promise<void>;
}

/** A role (named set of actions; `default_flywheel_role` is `admin`, `rw` or `ro` for the defaults). */
export class Role extends Model {
  static readonly containerType = 'role';
}
export interface Role extends Data<'Role'> {}

applyMixins(Job, [UpdateMethods]);
applyMixins(User, [UpdateMethods]);
registerModel(Job as never, ['Job'], 'job');
registerModel(Gear as never, ['Gear'], 'gear');
registerModel(User as never, ['User'], 'user');
registerModel(Role as never, ['Role'], 'role');

export type { Finder };
