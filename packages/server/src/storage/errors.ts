/** Blob store failures a client can cause: bad id (400), missing blob (404), too large (413). */
export class BlobError extends Error {
  override name = 'BlobError';
  constructor(
    message: string,
    readonly status: 400 | 404 | 413,
  ) {
    super(message);
  }
}
