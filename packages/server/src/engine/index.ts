export { startEngine, localCommand, type EngineOptions, type LocalEngine } from './engine.js';
export { commitOutputs, discardStaged, stageOutputDir, type StagedFile } from './outputs.js';
export { checkGearMetadata, METADATA_LEVELS, type GearMetadata } from './metadata.js';
export { lookupContextValue, type ContextValue } from './context-values.js';
