/**
 * Client-side mistakes in list query parameters. `status` follows the reference: a bad filter
 * or sort token answers 400 naming the token; pagination validation answers 422.
 */
export class QueryError extends Error {
  override name = 'QueryError';
  constructor(
    message: string,
    readonly status: 400 | 422 = 400,
    readonly token?: string,
  ) {
    super(message);
  }
}
