export { startServer } from './app/start.js';
export type { StartOptions, RunningServer, CreateUserOptions } from './app/start.js';
export type { CorsOrigin } from './app/cors.js';
export { implementedOperations } from './routes/index.js';
export type { EngineOptions } from './engine/index.js';
