/**
 * `DownloadError`, in a module of its own: the models and the checks in `verify.ts` need the
 * class at once, while the download code in `download.ts` is loaded by the first download.
 */
import { FlywheelError } from '@fw/api';

export class DownloadError extends FlywheelError {
  override readonly code: string = 'FW_DOWNLOAD';
  /** HTTP status, when the failure was an HTTP error response. */
  readonly status: number | undefined;
  /** Destination path, for file downloads. */
  readonly path: string | undefined;
  constructor(
    message: string,
    options: { status?: number | undefined; path?: string | undefined; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DownloadError';
    this.status = options.status;
    this.path = options.path;
  }
}
