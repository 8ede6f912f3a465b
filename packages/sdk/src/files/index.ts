/** Runtime-neutral file helpers. */
export * from './file-spec.js';
export * from './upload.js';
export * from './download.js';
export * from './concurrency.js';
