/** Inlined by tsup/vitest `define` from package.json (see src/version.ts). */
declare const __FW_API_VERSION__: string | undefined;
