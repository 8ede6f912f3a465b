/** Gear runs, batches and the manifest types shared with `GearContext` (`@fw/sdk/node`). */
export { GearInvocation, defaultAnalysisLabel } from './invocation.js';
export type { ContainerLike, GearLike, ProposeBatchOptions } from './invocation.js';
export { BatchProposal, Batch } from './batch.js';
export type { OptionalInputPolicy } from './batch.js';
export { GearRunError, GearInputError, GearConfigError, JobWaitTimeoutError } from './errors.js';
export { mergeConfig, checkInputs, defaultConfig } from './manifest-check.js';
export type { FileInputLike } from './manifest-check.js';
export { waitForJob, FINAL_JOB_STATES } from './wait.js';
export type { JobWaitOptions } from './wait.js';
export { isAnalysisManifest } from './manifest.js';
export type {
  GearManifestLike,
  ManifestInput,
  ManifestConfigOption,
  ConfigValue,
  GearConfig,
  InputName,
  InputNameOf,
} from './manifest.js';
