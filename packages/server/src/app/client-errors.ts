import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** HTTP status Node itself would answer for a request it cannot parse. */
function statusFor(code: string | undefined): number {
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  if (code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') return 413;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  return 400;
}

/**
 * Requests Node's HTTP parser rejects before they reach the app (headers or URL over the
 * 16 KiB limit, malformed request lines) get the standard JSON error body too, instead of
 * Node's bare status line.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = statusFor(err.code);
    const message = STATUS_CODES[status] ?? 'Bad Request';
    const body = JSON.stringify({ message, status_code: status });
    socket.end(
      `HTTP/1.1 ${status} ${message}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
