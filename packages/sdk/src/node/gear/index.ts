/** `GearContext` and its types: writing gears in TypeScript (`@fw/sdk/node`). */
export { GearContext } from './context.js';
export type { GearContextOptions, InputEntryOf } from './context.js';
export { GearContextError, readConfigFile } from './config-file.js';
export type {
  GearConfigFile,
  GearDestination,
  GearFileInput,
  GearApiKeyInput,
  GearContextInput,
  GearInputEntry,
} from './config-file.js';
export type { ContainerMetadata, FileMetadata, MetadataFile, MetadataLevel } from './metadata.js';
export type { GearLog, LogLevel } from './log.js';
