/**
 * Crash leftovers (issue 13, defect 9): a real server process is killed with SIGKILL during
 * concurrent streamed uploads, then restarted on the same data directory. After the restart:
 * no file record without its blob, no blob without its record, no temp files, and
 * `PRAGMA integrity_check` is ok. Loopback only; bounded in count and time.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { listening, spawnCli } from './helpers/cli.js';

const dataDir = mkdtempSync(join(tmpdir(), 'fw-crash-'));
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

/** Start the CLI on the data directory; resolves once it prints its URL and key. */
async function startChild(): Promise<{ child: ChildProcess; url: string; key: string }> {
  const child = spawnCli(['--port', '0', '--data', dataDir]);
  return { child, ...(await listening(child)) };
}

const MiB = 1024 * 1024;

/** A 5 MiB body sent as a multipart upload in 64 KiB chunks, 2 ms apart. */
function slowUpload(url: string, key: string, acq: string, i: number) {
  const head = Buffer.from(
    `--b\r\nContent-Disposition: form-data; name="file"; filename="f${i}.bin"\r\n\r\n`,
  );
  const tail = Buffer.from('\r\n--b--\r\n');
  let sent = 0;
  const chunk = Buffer.alloc(64 * 1024, i % 256);
  const body = new ReadableStream<Uint8Array>({
    async pull(ctrl) {
      if (sent === 0) ctrl.enqueue(head);
      if (sent >= 5 * MiB) {
        ctrl.enqueue(tail);
        return ctrl.close();
      }
      await new Promise((r) => setTimeout(r, 2));
      sent += chunk.length;
      ctrl.enqueue(chunk);
    },
  });
  return fetch(`${url}/acquisitions/${acq}/files`, {
    method: 'POST',
    headers: {
      Authorization: `scitran-user ${key}`,
      'Content-Type': 'multipart/form-data; boundary=b',
    },
    body,
    duplex: 'half',
  } as RequestInit).then(
    (r) => r.status,
    () => 'cut',
  );
}

describe('SIGKILL during concurrent uploads', () => {
  it('leaves no record without blob, no blob without record, no temp file; integrity ok', async () => {
    const first = await startChild();
    const api = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(first.url + path, {
        method,
        headers: { Authorization: `scitran-user ${first.key}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      expect(r.status, `${method} ${path}`).toBeLessThan(300);
      return r.json() as Promise<any>;
    };
    await api('POST', '/groups', { _id: 'crash', label: 'crash' });
    const project = (await api('POST', '/projects', { group: 'crash', label: 'p' }))._id;
    const subject = (await api('POST', '/subjects', { project, code: 's' }))._id;
    const session = (
      await api('POST', '/sessions', { project, label: 's', subject: { _id: subject } })
    )._id;
    const acqs: string[] = [];
    for (let i = 0; i < 5; i++)
      acqs.push((await api('POST', '/acquisitions', { session, label: `a${i}` }))._id);

    const uploads = Array.from({ length: 50 }, (_, i) =>
      slowUpload(first.url, first.key, acqs[i % 5]!, i),
    );
    // kill once some uploads are saved and others are mid-body
    const blobsDir = join(dataDir, 'blobs');
    const deadline = Date.now() + 60_000;
    const stored = () => readdirSync(blobsDir).filter((f) => !f.startsWith('.tmp-')).length;
    while (Date.now() < deadline && stored() < 5) await new Promise((r) => setTimeout(r, 20));
    const tempsAtKill = readdirSync(blobsDir).filter((f) => f.startsWith('.tmp-')).length;
    first.child.kill('SIGKILL');
    const outcomes = await Promise.all(uploads);
    await new Promise((r) =>
      first.child.exitCode !== null || first.child.signalCode ? r(0) : first.child.once('exit', r),
    );
    const saved = outcomes.filter((o) => o === 200).length;
    const tempsAfterKill = readdirSync(blobsDir).filter((f) => f.startsWith('.tmp-')).length;

    const second = await startChild();
    try {
      const files = readdirSync(blobsDir);
      const db = new Database(join(dataDir, 'flywheel.sqlite'), { readonly: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        const referenced = new Set(
          (
            db
              .prepare(
                `SELECT blob_id FROM files WHERE blob_id IS NOT NULL
                 UNION SELECT blob_id FROM file_versions WHERE blob_id IS NOT NULL`,
              )
              .all() as { blob_id: string }[]
          ).map((r) => r.blob_id),
        );
        const records = (db.prepare('SELECT count(*) AS n FROM files').get() as { n: number }).n;
        console.log(
          `crash: ${saved}/50 uploads answered before the kill, ${tempsAtKill} temp blobs at the kill, ` +
            `${tempsAfterKill} after it; after restart ${records} file records, ${files.length} blobs, ` +
            `${files.filter((f) => f.startsWith('.tmp-')).length} temp files`,
        );
        expect(files.filter((f) => f.startsWith('.tmp-'))).toEqual([]);
        for (const b of referenced) expect(existsSync(join(blobsDir, b)), b).toBe(true);
        for (const f of files) expect(referenced.has(f), `orphan blob ${f}`).toBe(true);
        expect(records).toBe(referenced.size);
        expect(records).toBeGreaterThanOrEqual(saved); // every answered upload survived
      } finally {
        db.close();
      }
      // the site still works: a listed file downloads whole
      const r = await fetch(`${second.url}/acquisitions/${acqs[0]}`, {
        headers: { Authorization: `scitran-user ${second.key}` },
      });
      const doc = (await r.json()) as { files: { name: string; size: number }[] };
      for (const f of doc.files) expect(f.size).toBe(5 * MiB);
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((r) =>
        second.child.exitCode !== null ? r(0) : second.child.once('exit', r),
      );
    }
  }, 120_000);
});
