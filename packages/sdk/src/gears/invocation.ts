/**
 * `GearInvocation` (Python's `gear.create_invocation()`): collects config, inputs, destination,
 * tags, label and priority, checks them against the manifest, then runs the gear or proposes a
 * batch. Utility gears make a job (`POST /jobs/add`); analysis gears make an analysis with a job
 * on the destination (`POST /{types}/{id}/analyses`). Every check happens before a request.
 */
import { callOptions, type MethodOptions } from '../models/context.js';
import type { SdkContext } from '../models/context.js';
import type { Analysis } from '../models/containers.js';
import type { FileRef } from '../models/mixins.js';
import type { Job, JobPriority } from '../models/others.js';
import { BatchProposal, type OptionalInputPolicy } from './batch.js';
import { GearRunError } from './errors.js';
import { checkInputs, defaultConfig, mergeConfig, type FileInputLike } from './manifest-check.js';
import { isAnalysisManifest, type GearManifestLike } from './manifest.js';

/** A container (anything with `ref()`) or a `{ type, id }` reference. */
export type ContainerLike = { ref(): { type: string; id: string } } | { type: string; id: string };

/** What an invocation needs of a gear: its id, category, manifest and client. */
export interface GearLike {
  readonly id: string;
  readonly category?: string | null | undefined;
  readonly gear?: GearManifestLike | undefined;
  readonly _client: SdkContext;
}

/** Options of `proposeBatch`. */
export interface ProposeBatchOptions extends MethodOptions {
  /** How optional inputs are matched on each target (default `ignored`, as the Python SDK). */
  optionalInputPolicy?: OptionalInputPolicy;
}

function refOf(value: ContainerLike): { type: string; id: string } {
  const r =
    'ref' in value && typeof value.ref === 'function'
      ? value.ref()
      : (value as { type: string; id: string });
  if (typeof r?.type !== 'string' || typeof r?.id !== 'string')
    throw new GearRunError('a destination or target must be a container or { type, id }');
  return { type: r.type, id: r.id };
}

/** Python's default analysis label: `<gear name> <YYYY-MM-DD HH:MM:SS>` in local time. */
export function defaultAnalysisLabel(gearName: string, d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const date = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  return `${gearName} ${date} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export class GearInvocation {
  /** Config values (starts as the manifest's defaults). */
  config: Record<string, unknown>;
  inputs: Record<string, FileInputLike> = {};
  destination: { type: string; id: string } | undefined;
  analysisLabel: string | undefined;
  tags: string[] = [];
  /** `medium` unless set, as the Python SDK. */
  priority: JobPriority = 'medium';

  constructor(readonly gear: GearLike) {
    this.config = defaultConfig(gear.gear ?? {});
  }

  private get manifest(): GearManifestLike {
    return this.gear.gear ?? {};
  }
  private get gearName(): string {
    return this.manifest.name ?? this.gear.id;
  }
  /** Whether running makes an analysis. */
  get isAnalysis(): boolean {
    return isAnalysisManifest(this.gear.category, this.manifest);
  }

  updateConfig(values: Record<string, unknown>): this {
    Object.assign(this.config, values);
    return this;
  }
  setAnalysisLabel(label: string): this {
    if (!this.isAnalysis)
      throw new GearRunError(
        `${this.gearName} is not an analysis gear: it takes no analysis label`,
      );
    this.analysisLabel = label;
    return this;
  }
  /** Add a tag (once). */
  addTag(tag: string): this {
    if (!this.tags.includes(tag)) this.tags.push(tag);
    return this;
  }
  addTags(tags: readonly string[]): this {
    for (const t of tags) this.addTag(t);
    return this;
  }
  setInput(name: string, file: FileInputLike): this {
    this.inputs[name] = file;
    return this;
  }
  setDestination(container: ContainerLike): this {
    this.destination = refOf(container);
    return this;
  }
  setPriority(priority: JobPriority): this {
    this.priority = priority;
    return this;
  }

  /** The job body, checked against the manifest (throws before any request). */
  private jobBody(): Record<string, unknown> {
    const config = mergeConfig(this.manifest, this.config);
    const inputs: Record<string, FileRef> = checkInputs(this.manifest, this.inputs);
    return { gear_id: this.gear.id, inputs, config, tags: [...this.tags], priority: this.priority };
  }

  /**
   * Run the gear: a utility gear resolves to its queued `Job`, an analysis gear to the new
   * `Analysis` (its `job` inflated; `analysis.getJob()` for the job object).
   */
  async run(options?: MethodOptions): Promise<Job | Analysis> {
    const body = this.jobBody();
    const client = this.gear._client;
    const call = callOptions(options);
    if (!this.isAnalysis) {
      if (this.destination) body['destination'] = this.destination;
      const jobId: string = await client.callOp('add_job', body, call);
      return client.callOp('get_job', jobId, call);
    }
    if (!this.destination)
      throw new GearRunError(
        `gear ${this.gearName} is an analysis gear: run() needs a destination (the container the analysis goes on)`,
      );
    const { type, id } = this.destination;
    const label = this.analysisLabel ?? defaultAnalysisLabel(this.gearName);
    const analysisId: string = await client.callOp(
      `add_${type}_analysis`,
      id,
      { label, job: body },
      call,
    );
    return client.callOp('get_analysis', analysisId, call);
  }

  /**
   * Propose running the gear on each container (sessions or acquisitions): the server matches
   * the gear's file inputs on each. `proposal.run()` starts the batch.
   */
  async proposeBatch(
    containers: readonly ContainerLike[],
    options: ProposeBatchOptions = {},
  ): Promise<BatchProposal> {
    const config = mergeConfig(this.manifest, this.config);
    if (containers.length === 0)
      throw new GearRunError(`gear ${this.gearName}: proposeBatch needs at least one container`);
    const body: Record<string, unknown> = {
      gear_id: this.gear.id,
      config,
      tags: [...this.tags],
      optional_input_policy: options.optionalInputPolicy ?? 'ignored',
      targets: containers.map(refOf),
      priority: this.priority,
    };
    if (this.isAnalysis)
      body['analysis'] = { label: this.analysisLabel ?? defaultAnalysisLabel(this.gearName) };
    const raw = await this.gear._client.callOp('propose_batch', body, callOptions(options));
    return new BatchProposal(this.gear._client, raw as object);
  }
}
