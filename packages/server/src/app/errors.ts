/** An error that maps to a `{message, status_code, request_id}` response. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (m: string, extra?: Record<string, unknown>) =>
  new HttpError(400, m, extra);
export const forbidden = (m = 'Permission denied') => new HttpError(403, m);
export const notFound = (m: string) => new HttpError(404, m);
export const conflict = (m: string) => new HttpError(409, m);

/** Status of an error thrown by our code or by the engine modules (`status` property). */
export function statusOf(err: unknown): number {
  if (err instanceof HttpError) return err.status;
  const s = (err as { status?: unknown } | null)?.status;
  if (typeof s === 'number' && s >= 400 && s < 600) return s;
  return 500;
}
