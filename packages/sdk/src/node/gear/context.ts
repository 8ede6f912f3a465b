/**
 * `GearContext`: what a gear written in TypeScript needs inside its gear folder (`/flywheel/v0`,
 * or `$FLYWHEEL`): the job's config, inputs and destination from `config.json`, the `output/`
 * and `work/` folders, a client made from the job's API key, metadata for the engine to apply,
 * and a log. Typed from the gear's own manifest: `GearContext<typeof manifest>` (with the
 * manifest imported `as const`) types `ctx.config` and limits input names to the declared ones.
 */
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  type ReadStream,
  type WriteStream,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { ClientOptions } from '../../client/core.js';
import type { GearConfig, GearManifestLike, InputName, InputNameOf } from '../../gears/manifest.js';
import { Client } from '../../node.js';
import {
  GearContextError,
  readConfigFile,
  type GearConfigFile,
  type GearDestination,
  type GearFileInput,
  type GearInputEntry,
} from './config-file.js';
import { createGearLog, type GearLog, type LogLevel } from './log.js';
import {
  MetadataRecorder,
  type ContainerMetadata,
  type FileMetadata,
  type MetadataFile,
  type MetadataLevel,
} from './metadata.js';

export interface GearContextOptions {
  /** Options of the client `ctx.client` makes. */
  clientOptions?: ClientOptions;
  /** Where the log goes (default `process.stderr`). */
  logStream?: { write(text: string): unknown };
  /** Lowest level logged (default `info`). */
  logLevel?: LogLevel;
}

/** The entry type of input `N` of manifest `M` (by its declared `base`). */
export type InputEntryOf<M, N> = M extends { inputs: infer I }
  ? N extends keyof I
    ? I[N] extends { base: 'file' }
      ? GearFileInput
      : I[N] extends { base: 'api-key' }
        ? Extract<GearInputEntry, { base: 'api-key' }>
        : I[N] extends { base: 'context' }
          ? Extract<GearInputEntry, { base: 'context' }>
          : GearInputEntry
    : GearInputEntry
  : GearInputEntry;

/** A plain file name (no folders): outputs are flat files of `output/`. */
function outputName(name: string): string {
  if (!name || name !== basename(name) || name === '.' || name === '..')
    throw new GearContextError(
      `output name ${JSON.stringify(name)} must be a plain file name (no folders)`,
    );
  return name;
}

export class GearContext<M extends GearManifestLike = GearManifestLike> {
  /** The gear folder. */
  readonly dir: string;
  /** The job's config values: the manifest's defaults merged with the job's. */
  readonly config: GearConfig<M>;
  /** Where the job's results go (`{ type, id }`; `analysis` for analysis gears). */
  readonly destination: GearDestination;
  /** The job id, when the engine gave one. */
  readonly jobId: string | undefined;
  /** The gear's log (stderr; the job's API key is masked). */
  readonly log: GearLog;
  private readonly inputs: Record<string, GearInputEntry>;
  private readonly metadata = new MetadataRecorder();
  private readonly clientOptions: ClientOptions;
  private madeClient: Client | undefined;

  private constructor(dir: string, file: GearConfigFile, options: GearContextOptions) {
    this.dir = dir;
    this.config = file.config as GearConfig<M>;
    this.destination = file.destination;
    this.jobId = file.job?.id;
    this.inputs = file.inputs;
    this.clientOptions = options.clientOptions ?? {};
    this.log = createGearLog(
      options.logStream ?? process.stderr,
      () => this.secrets(),
      options.logLevel,
    );
  }

  /**
   * Read the gear folder `dir` (default `$FLYWHEEL`, else `/flywheel/v0`). Throws a
   * `GearContextError` when there is no readable `config.json`.
   */
  static async fromDir<M extends GearManifestLike = GearManifestLike>(
    dir: string = process.env['FLYWHEEL'] ?? '/flywheel/v0',
    options: GearContextOptions = {},
  ): Promise<GearContext<M>> {
    const base = resolve(dir);
    return new GearContext<M>(base, await readConfigFile(base), options);
  }

  /**
   * Run a gear's main function: on success the recorded metadata is written (as Python's
   * context manager does on a clean exit); on failure the error is logged, nothing is written,
   * and the process exit code is 1 so the engine marks the job failed.
   */
  static async run<M extends GearManifestLike = GearManifestLike>(
    main: (ctx: GearContext<M>) => Promise<void>,
    dir?: string,
    options?: GearContextOptions,
  ): Promise<void> {
    let ctx: GearContext<M> | undefined;
    try {
      ctx = await GearContext.fromDir<M>(dir, options);
      await main(ctx);
      await ctx.writeMetadata();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (ctx) ctx.log.error(message);
      else (options?.logStream ?? process.stderr).write(`ERROR ${message}\n`);
      process.exitCode = 1;
    }
  }

  /** `<dir>/output` (created when first used); the engine uploads what it holds. */
  get outputDir(): string {
    const path = join(this.dir, 'output');
    mkdirSync(path, { recursive: true });
    return path;
  }
  /** `<dir>/work` (created when first used): scratch space, never uploaded. */
  get workDir(): string {
    const path = join(this.dir, 'work');
    mkdirSync(path, { recursive: true });
    return path;
  }

  /** The names of the inputs the job has. */
  get inputNames(): InputName<M>[] {
    return Object.keys(this.inputs) as InputName<M>[];
  }
  /** Whether the job has input `name` (optional inputs may be absent). */
  hasInput(name: InputName<M>): boolean {
    return Object.hasOwn(this.inputs, name);
  }
  /** Input `name` as `config.json` has it, or undefined when the job has none. */
  getInput<N extends InputName<M>>(name: N): InputEntryOf<M, N> | undefined {
    return (Object.hasOwn(this.inputs, name) ? this.inputs[name] : undefined) as
      InputEntryOf<M, N> | undefined;
  }
  private fileInput(name: string): GearFileInput {
    const input = this.inputs[name];
    if (!input || !Object.hasOwn(this.inputs, name))
      throw new GearContextError(
        `the job has no input "${name}" (it has: ${Object.keys(this.inputs).join(', ') || 'none'}); check hasInput() for optional inputs`,
      );
    if (input.base !== 'file')
      throw new GearContextError(`input "${name}" is a ${input.base} input, not a file`);
    return input;
  }
  /** The local path of file input `name`. */
  getInputPath(name: InputNameOf<M, 'file'>): string {
    return this.fileInput(name).location.path;
  }
  /** The file record of file input `name` (type, modality, info, …). */
  getInputFile(name: InputNameOf<M, 'file'>): GearFileInput['object'] & { name: string } {
    const input = this.fileInput(name);
    return { ...input.object, name: input.location.name };
  }
  /** A read stream of file input `name`. */
  openInput(name: InputNameOf<M, 'file'>, options?: { encoding?: BufferEncoding }): ReadStream {
    return createReadStream(this.getInputPath(name), options);
  }
  /** The value of context input `name`; throws when it is not a context input or was not found. */
  getContextValue(name: InputNameOf<M, 'context'>): unknown {
    const input = this.inputs[name];
    if (!input || input.base !== 'context')
      throw new GearContextError(`input "${name}" is not a context input of this job`);
    if (!input.found)
      throw new GearContextError(`context value "${name}" was not found for this job's project`);
    return input.value;
  }

  /** A write stream to `output/<name>`. */
  openOutput(name: string, options?: { encoding?: BufferEncoding }): WriteStream {
    return createWriteStream(join(this.outputDir, outputName(name)), options);
  }
  /** Write `output/<name>` whole (temp file in `work/`, then rename: never half a file). */
  async writeOutput(name: string, data: string | Uint8Array): Promise<string> {
    const path = join(this.outputDir, outputName(name));
    const temp = join(this.workDir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(temp, data);
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return path;
  }

  /** The job's API key (first `api-key` input), or undefined. */
  private apiKey(): string | undefined {
    for (const input of Object.values(this.inputs))
      if (input.base === 'api-key' && typeof input.key === 'string' && input.key) return input.key;
    return undefined;
  }
  private secrets(): string[] {
    const key = this.apiKey();
    if (!key) return [];
    const secret = key.slice(key.lastIndexOf(':') + 1);
    return secret.length >= 8 ? [key, secret] : [key];
  }
  /** A client for the site the job runs on, made (once) from the job's `api-key` input. */
  get client(): Client {
    if (!this.madeClient) {
      const key = this.apiKey();
      if (!key)
        throw new GearContextError(
          'this job has no api-key input: declare one in the manifest ({ "base": "api-key" }) to use ctx.client',
        );
      this.madeClient = new Client(key, this.clientOptions);
    }
    return this.madeClient;
  }

  /** Record fields for a container level (`session`, `subject`, …) in `.metadata.json`. */
  updateContainerMetadata(level: MetadataLevel, update: ContainerMetadata): void {
    this.metadata.container(level, update);
  }
  /** Record fields for the destination container. */
  updateDestinationMetadata(update: ContainerMetadata): void {
    this.metadata.container(this.destination.type as MetadataLevel, update);
  }
  /** Record fields for an output file (matched by name, under the destination's level). */
  updateFileMetadata(fileName: string, update: FileMetadata): void {
    this.metadata.file(this.destination.type as MetadataLevel, outputName(fileName), update);
  }
  /** What was recorded so far (a copy). */
  get recordedMetadata(): MetadataFile {
    return this.metadata.snapshot();
  }
  /** Write `output/.metadata.json` (2-space JSON) when something was recorded; resolves to whether it was. */
  writeMetadata(): Promise<boolean> {
    return this.metadata.write(this.outputDir);
  }

  /** Log the destination, the file inputs and the config values (never the API key). */
  logConfig(): void {
    this.log.info(`destination: ${this.destination.type} ${this.destination.id}`);
    for (const [name, input] of Object.entries(this.inputs))
      if (input.base === 'file')
        this.log.info(
          `input ${name}: ${input.location.name} (from ${input.hierarchy.type} ${input.hierarchy.id})`,
        );
    for (const [key, value] of Object.entries(this.config as Record<string, unknown>))
      this.log.info(`config ${key}: ${JSON.stringify(value)}`);
  }
}
