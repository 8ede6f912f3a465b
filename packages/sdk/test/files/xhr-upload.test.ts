/**
 * The pure parts of the XMLHttpRequest upload transport (progress mapping, header rules, the
 * marker routing). The XHR sending itself runs in Chromium: tests/browser.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  inFlightProgress,
  isUnsafeXhrHeader,
  markXhrUpload,
  parseResponseHeaders,
} from '../../src/files/xhr-upload.js';
import { xhrAwareFetch, xhrUploadsSupported, XHR_UPLOAD_MARK } from '../../src/files/xhr-route.js';

describe('inFlightProgress', () => {
  it('scales body bytes to file bytes, spreading the multipart framing', () => {
    // 1000 file bytes in a 1200-byte body: halfway through the body is halfway through the files
    expect(inFlightProgress(600, 1200, 1000)).toBe(500);
    expect(inFlightProgress(1, 1200, 1000)).toBe(0);
    expect(inFlightProgress(0, 1200, 1000)).toBe(0);
  });

  it('never reaches the total while in flight (that is reported once answered)', () => {
    expect(inFlightProgress(1200, 1200, 1000)).toBe(999);
    expect(inFlightProgress(1199, 1200, 1000)).toBe(999);
    // more than the body (cannot happen, but must not overshoot)
    expect(inFlightProgress(5000, 1200, 1000)).toBe(999);
  });

  it('is the byte count itself when there is no framing (a storage part)', () => {
    expect(inFlightProgress(300, 1000, 1000)).toBe(300);
    expect(inFlightProgress(1000, 1000, 1000)).toBe(999);
  });

  it('is monotonic in the bytes sent', () => {
    let last = -1;
    for (let sent = 0; sent <= 4099; sent += 7) {
      const n = inFlightProgress(sent, 4099, 4000);
      expect(n).toBeGreaterThanOrEqual(last);
      expect(n).toBeLessThan(4000);
      last = n;
    }
  });

  it('answers 0 for empty files or unknown sizes', () => {
    expect(inFlightProgress(100, 200, 0)).toBe(0);
    expect(inFlightProgress(100, 0, 50)).toBe(0);
    expect(inFlightProgress(Number.NaN, 200, 50)).toBe(0);
  });
});

describe('XHR header rules', () => {
  it('skips the headers XHR refuses to set, and keeps the API ones', () => {
    for (const name of ['User-Agent', 'content-length', 'Host', 'Sec-Fetch-Mode', 'Proxy-Foo'])
      expect(isUnsafeXhrHeader(name)).toBe(true);
    for (const name of ['Authorization', 'X-Accept-Feature', 'Content-Type', 'Accept'])
      expect(isUnsafeXhrHeader(name)).toBe(false);
  });

  it('parses getAllResponseHeaders text, values with colons included', () => {
    const headers = parseResponseHeaders(
      'content-type: application/json\r\netag: "abc"\r\nx-when: 12:30:00\r\n\r\n',
    );
    expect(headers.get('content-type')).toBe('application/json');
    expect(headers.get('etag')).toBe('"abc"');
    expect(headers.get('x-when')).toBe('12:30:00');
  });
});

describe('xhrAwareFetch routing (Node: no XMLHttpRequest)', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // answers with the request headers it received
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.headers)),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/echo`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('is not used where fetch streams request bodies', () => {
    expect(xhrUploadsSupported()).toBe(false);
  });

  it('sends unmarked requests through fetch unchanged', async () => {
    const res = await xhrAwareFetch(new Request(url, { headers: { 'x-own': '1' } }));
    expect((await res.json())['x-own']).toBe('1');
  });

  it('never sends the marker, even for a call that is over', async () => {
    const mark = markXhrUpload(() => undefined);
    expect(Object.keys(mark.headers)).toEqual([XHR_UPLOAD_MARK]);
    mark.release();
    const res = await xhrAwareFetch(
      new Request(url, { method: 'POST', headers: { ...mark.headers, 'x-own': '2' }, body: 'x' }),
    );
    const seen = (await res.json()) as Record<string, string>;
    expect(seen['x-own']).toBe('2');
    expect(seen[XHR_UPLOAD_MARK]).toBeUndefined();
  });

  it('gives each upload its own marker', () => {
    const a = markXhrUpload(() => undefined);
    const b = markXhrUpload(() => undefined);
    expect(a.headers[XHR_UPLOAD_MARK]).not.toBe(b.headers[XHR_UPLOAD_MARK]);
    a.release();
    b.release();
  });
});
