// A flaky-network proxy for the fault tests, run as its own process on 127.0.0.1. Per request,
// from a seeded random source: drop the connection before answering (dropBefore), drop it
// mid-body (dropMid), answer 503 + Retry-After: 1 (busy), stall the body (stall), else forward.
// Usage: node fault-proxy.mjs <targetPort> <seed> [mode]; prints its port on stdout; exits on
// SIGTERM, on stdin closing, or after 120 s at most. The other modes forward everything but
// break each file download (GET …/files/NAME, see `breakDownload`) the same way every time.
import http from 'node:http';
import { gzipSync } from 'node:zlib';

const targetPort = Number(process.argv[2]);
const mode = process.argv[4] ?? 'random';
const isFileDownload = (req) => req.method === 'GET' && /\/files\/[^/?]+(\?|$)/.test(req.url);
let seed = Number(process.argv[3] ?? 1) >>> 0;
const random = () => {
  // mulberry32
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const counts = { forward: 0, dropBefore: 0, dropMid: 0, busy: 0, stall: 0 };
const stalled = new Set();

function pick() {
  const r = random();
  if (r < 0.1) return 'dropBefore';
  if (r < 0.2) return 'dropMid';
  if (r < 0.25) return 'busy';
  if (r < 0.28) return 'stall';
  return 'forward';
}

/**
 * Modes, for file downloads only:
 * - truncate / alter: one byte short, or one byte changed, under a Content-Length that matches
 *   what is sent (only the file's size or hash can tell);
 * - gzip-cut: when the client accepts gzip, the body gzipped and cut to 2/3, Content-Length
 *   matching the cut (the decoder's lenient end hides it); bodies asked as identity pass intact;
 * - close-cut: half the body, no Content-Length, ended by closing the connection;
 * - drop-mid: the full Content-Length, half the body, then the connection reset.
 */
function breakDownload(req, res, upHeaders, all) {
  const headers = { ...upHeaders };
  delete headers['transfer-encoding'];
  delete headers['content-length'];
  const half = all.subarray(0, all.length >> 1);
  if (mode === 'close-cut') {
    const lines = [
      `HTTP/1.1 200 OK`,
      `Content-Type: ${headers['content-type']}`,
      'Connection: close',
    ];
    req.socket.write(lines.join('\r\n') + '\r\n\r\n');
    return req.socket.end(half);
  }
  let out = all;
  if (mode === 'truncate') out = all.subarray(0, all.length - 1);
  if (mode === 'alter') (out = Buffer.from(all))[all.length >> 1] ^= 0xff;
  if (mode === 'gzip-cut' && /\bgzip\b/.test(String(req.headers['accept-encoding']))) {
    const gz = gzipSync(all);
    out = gz.subarray(0, Math.floor((gz.length * 2) / 3));
    headers['content-encoding'] = 'gzip';
  }
  if (mode === 'drop-mid') {
    res.writeHead(200, { ...headers, 'content-length': String(all.length) });
    res.write(half);
    return setTimeout(() => res.socket?.destroy(), 5);
  }
  res.writeHead(200, { ...headers, 'content-length': String(out.length) });
  res.end(out);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const fault = mode === 'random' ? pick() : 'forward';
    counts[fault]++;
    if (fault === 'dropBefore') return req.socket.destroy();
    if (fault === 'busy') {
      res.writeHead(503, { 'Retry-After': '1', 'Content-Type': 'application/json' });
      return res.end('{"message":"busy"}');
    }
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: targetPort,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (up) => {
        const body = [];
        up.on('data', (c) => body.push(c));
        up.on('end', () => {
          const all = Buffer.concat(body);
          if (
            mode !== 'random' &&
            isFileDownload(req) &&
            up.statusCode === 200 &&
            all.length > 1 &&
            !String(up.headers['content-type']).includes('json')
          ) {
            counts[mode] = (counts[mode] ?? 0) + 1;
            return breakDownload(req, res, up.headers, all);
          }
          const headers = { ...up.headers };
          delete headers['transfer-encoding'];
          headers['content-length'] = String(all.length);
          res.writeHead(up.statusCode ?? 502, headers);
          if (fault === 'forward' || all.length < 2) return res.end(all);
          res.write(all.subarray(0, Math.floor(all.length / 2)));
          if (fault === 'dropMid') return setTimeout(() => res.socket?.destroy(), 5);
          // stall: keep the socket open and silent; closed after 10 s at most
          stalled.add(res);
          setTimeout(() => {
            stalled.delete(res);
            res.socket?.destroy();
          }, 10_000).unref();
        });
      },
    );
    upstream.on('error', () => req.socket.destroy());
    upstream.end(Buffer.concat(chunks));
  });
});

const stop = () => {
  process.stderr.write(JSON.stringify(counts) + '\n');
  for (const res of stalled) res.socket?.destroy();
  server.close();
  server.closeAllConnections?.();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
setTimeout(stop, 120_000).unref();
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
