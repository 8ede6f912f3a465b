/**
 * HTTP `Range` (RFC 7233, bytes only) against a known size. Used only for `?view=true`
 * downloads (api-surface §5.5). Decisions:
 * - a syntactically invalid header or another unit is ignored (`none` → 200 full body), as the
 *   RFC allows; only a well-formed header with no satisfiable range is a 416;
 * - several satisfiable ranges are answered as `multipart/byteranges` (see byteRangesBody),
 *   in the order requested, without coalescing;
 * - suffix ranges (`-500`) and open ranges (`100-`) are supported; ends are clamped to size-1.
 */
import { Readable } from 'node:stream';

export interface ByteRange {
  start: number;
  end: number; // inclusive
}

export type RangePlan =
  | { kind: 'none' }
  | { kind: 'unsatisfiable'; contentRange: string }
  | { kind: 'single'; start: number; end: number; contentRange: string }
  | { kind: 'multi'; ranges: ByteRange[] };

const SPEC_RE = /^(\d*)-(\d*)$/;

export function parseRange(header: string | null | undefined, size: number): RangePlan {
  if (!header) return { kind: 'none' };
  const m = /^\s*bytes\s*=\s*(.+)$/i.exec(header);
  if (!m) return { kind: 'none' };
  const ranges: ByteRange[] = [];
  for (const raw of m[1]!.split(',')) {
    const spec = SPEC_RE.exec(raw.trim());
    if (!spec || (spec[1] === '' && spec[2] === '')) return { kind: 'none' };
    const [first, last] = [spec[1]!, spec[2]!];
    if (first === '') {
      const suffix = Number(last);
      if (suffix > 0 && size > 0) ranges.push({ start: Math.max(0, size - suffix), end: size - 1 });
      continue;
    }
    const start = Number(first);
    if (last !== '' && Number(last) < start) return { kind: 'none' }; // invalid per RFC 7233 §2.1
    const end = last === '' ? size - 1 : Number(last);
    if (start < size) ranges.push({ start, end: Math.min(end, size - 1) });
  }
  if (ranges.length === 0) return { kind: 'unsatisfiable', contentRange: `bytes */${size}` };
  if (ranges.length === 1) {
    const { start, end } = ranges[0]!;
    return { kind: 'single', start, end, contentRange: `bytes ${start}-${end}/${size}` };
  }
  return { kind: 'multi', ranges };
}

export interface ByteRangesOptions {
  ranges: ByteRange[];
  size: number;
  /** The file's media type, repeated in each part. */
  contentType: string;
  /** The reference uses the request id; any token not occurring in the data works. */
  boundary: string;
  open(start: number, end: number): Readable | Promise<Readable>;
}

/**
 * A `multipart/byteranges` body streamed range by range (each range opened only when reached).
 * `contentLength` is exact, so the response can carry Content-Length.
 */
export function byteRangesBody(o: ByteRangesOptions): {
  stream: Readable;
  contentType: string;
  contentLength: number;
} {
  const head = (r: ByteRange) =>
    `--${o.boundary}\r\nContent-Type: ${o.contentType}\r\nContent-Range: bytes ${r.start}-${r.end}/${o.size}\r\n\r\n`;
  const tail = `--${o.boundary}--\r\n`;
  const contentLength =
    o.ranges.reduce((n, r) => n + Buffer.byteLength(head(r)) + (r.end - r.start + 1) + 2, 0) +
    Buffer.byteLength(tail);
  async function* parts() {
    for (const r of o.ranges) {
      yield Buffer.from(head(r));
      for await (const chunk of await o.open(r.start, r.end)) yield chunk as Buffer;
      yield Buffer.from('\r\n');
    }
    yield Buffer.from(tail);
  }
  return {
    stream: Readable.from(parts(), { objectMode: false }),
    contentType: `multipart/byteranges; boundary=${o.boundary}`,
    contentLength,
  };
}
