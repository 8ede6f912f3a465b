/** A structured-query mistake, located so clients can underline it (line 1-based, pos 0-based). */
export class SearchError extends Error {
  override name = 'SearchError';
  readonly status = 400 as const;
  constructor(
    message: string,
    readonly offset: number,
    readonly line: number,
    readonly pos: number,
    readonly token?: string,
  ) {
    super(message);
  }
}

/** Build a SearchError at `offset` in `text`, computing line and column. */
export function errorAt(
  text: string,
  offset: number,
  message: string,
  token?: string,
): SearchError {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const pos = offset - (before.lastIndexOf('\n') + 1);
  return new SearchError(`${message} (line ${line}, position ${pos})`, offset, line, pos, token);
}
