/** Node-only helpers (re-exported by the `@fw/sdk/node` entry). */
export { readCliCredentials, cliCredentialsPath, CredentialsError } from './credentials.js';
export {
  caBundleFromEnv,
  caBundleFromFile,
  readCaBundle,
  builtinAgentClass,
  type CaBundle,
  type CaBundleOptions,
  type AgentConstructor,
  type FetchLike,
} from './ca.js';
export { nodeFileSource, installNodeFileSource } from './file-source.js';
export { prepareDestination, downloadToFile, type DownloadResult } from './download.js';
