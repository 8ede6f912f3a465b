/** Client-caused transfer failures: malformed upload or zip request (400), too large (413), bad range (416). */
export class TransferError extends Error {
  override name = 'TransferError';
  constructor(
    message: string,
    readonly status: 400 | 413 | 416,
  ) {
    super(message);
  }
}
