/** Package name, as it appears in the User-Agent header. */
export const PACKAGE_NAME = '@fw/api';

/** Package version, inlined at build time from package.json (`0.0.0-dev` when run unbundled). */
export const VERSION: string =
  typeof __FW_API_VERSION__ === 'string' ? __FW_API_VERSION__ : '0.0.0-dev';
