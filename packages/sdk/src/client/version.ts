declare const __FW_SDK_VERSION__: string | undefined;

/**
 * This package's version (sent in the User-Agent), inlined from package.json at build time
 * (`0.0.0-dev` when the sources run unbundled).
 */
export const SDK_VERSION: string =
  typeof __FW_SDK_VERSION__ === 'string' ? __FW_SDK_VERSION__ : '0.0.0-dev';
