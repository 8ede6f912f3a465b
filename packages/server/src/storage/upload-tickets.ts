/**
 * Signed-URL uploads, storage side. A ticket names a container and its files; each file gets
 * one URL per part, each URL carrying an unguessable single-use token (only its SHA-256 is
 * stored). A PUT to a URL streams the bytes into a blob of its own; closing the ticket checks
 * that every part arrived, joins multi-part files into one blob in part order, and hands the
 * blobs to the caller, which records the files and deletes the ticket in one transaction.
 * Tickets expire; expired, unclosed tickets are swept with their blobs.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../db/open.js';
import type { BlobSource, BlobStore } from './blob-store.js';

/** Client mistakes: 400 (bad close), 403 (used or expired URL), 404 (unknown), 409 (busy). */
export class UploadError extends Error {
  override name = 'UploadError';
  constructor(
    message: string,
    readonly status: 400 | 403 | 404 | 409,
  ) {
    super(message);
  }
}

export interface UploadTicketRow {
  id: string;
  container_id: string;
  container_type: string;
  user_id: string;
  upload_id: string;
  expires: number;
  closing: number;
  /** JSON: `{filenames, metadata, …}` as given to issueUploadTicket. */
  doc: string;
}

interface PartRow {
  token_hash: string;
  ticket_id: string;
  name: string;
  part: number;
  state: 'pending' | 'uploading' | 'done';
  blob_id: string | null;
  size: number | null;
  hash: string | null;
  etag: string | null;
}

export interface IssueOptions {
  containerId: string;
  containerType: string;
  userId: string;
  /** The files, in order; `parts` ≥ 1 URLs each. */
  files: { name: string; parts: number }[];
  /** Stored with the ticket (e.g. the upload metadata); must contain `filenames`-independent data only. */
  doc: Record<string, unknown>;
  ttlMs: number;
}

export interface IssuedTicket {
  ticket: string;
  uploadId: string;
  expires: number;
  /** file name → one token per part, in part order. */
  tokens: Record<string, string[]>;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const token = () => randomBytes(32).toString('base64url');

export function issueUploadTicket(db: Db, o: IssueOptions): IssuedTicket {
  const id = randomBytes(16).toString('hex');
  const uploadId = randomBytes(12).toString('hex');
  const expires = Date.now() + o.ttlMs;
  const tokens: Record<string, string[]> = {};
  db.transaction(() => {
    db.prepare(
      `INSERT INTO upload_tickets (id, container_id, container_type, user_id, upload_id, expires, doc)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      o.containerId,
      o.containerType,
      o.userId,
      uploadId,
      expires,
      JSON.stringify({ ...o.doc, filenames: o.files.map((f) => f.name) }),
    );
    const ins = db.prepare(
      'INSERT INTO upload_parts (token_hash, ticket_id, name, part, state) VALUES (?, ?, ?, ?, ?)',
    );
    for (const f of o.files) {
      if (tokens[f.name]) throw new UploadError(`file "${f.name}" named twice`, 400);
      tokens[f.name] = [];
      for (let p = 1; p <= f.parts; p++) {
        const t = token();
        ins.run(hashToken(t), id, f.name, p, 'pending');
        tokens[f.name]!.push(t);
      }
    }
  })();
  return { ticket: id, uploadId, expires, tokens };
}

export function getUploadTicket(db: Db, id: string): UploadTicketRow | undefined {
  return db.prepare('SELECT * FROM upload_tickets WHERE id = ?').get(id) as
    UploadTicketRow | undefined;
}

/**
 * Receive the bytes for one URL. The token is used up by a successful upload (a later PUT is
 * 403); a failed or cut-off upload leaves it usable. Answers the part's ETag (unquoted).
 */
export async function receiveUploadPart(
  db: Db,
  blobs: BlobStore,
  urlToken: string,
  body: BlobSource,
  o: { maxSize?: number } = {},
): Promise<{ etag: string; size: number }> {
  const th = hashToken(urlToken);
  const row = db
    .prepare(
      `SELECT p.state, t.expires, t.closing FROM upload_parts p
       JOIN upload_tickets t ON t.id = p.ticket_id WHERE p.token_hash = ?`,
    )
    .get(th) as { state: string; expires: number; closing: number } | undefined;
  if (!row) throw new UploadError('upload URL not found', 404);
  if (row.expires < Date.now()) throw new UploadError('upload URL has expired', 403);
  if (row.state !== 'pending' || row.closing)
    throw new UploadError('upload URL has already been used', 403);
  const claimed = db
    .prepare(
      `UPDATE upload_parts SET state = 'uploading' WHERE token_hash = ? AND state = 'pending'`,
    )
    .run(th);
  if (claimed.changes !== 1) throw new UploadError('upload URL has already been used', 403);
  let info;
  try {
    info = await blobs.write(body, o.maxSize !== undefined ? { maxSize: o.maxSize } : {});
  } catch (err) {
    db.prepare(
      `UPDATE upload_parts SET state = 'pending' WHERE token_hash = ? AND state = 'uploading'`,
    ).run(th);
    throw err;
  }
  const etag = info.hash.replace(/^v0-sha384-/, '').slice(0, 32);
  const saved = db
    .prepare(
      `UPDATE upload_parts SET state = 'done', blob_id = ?, size = ?, hash = ?, etag = ?
       WHERE token_hash = ? AND state = 'uploading'`,
    )
    .run(info.id, info.size, info.hash, etag, th);
  if (saved.changes !== 1) {
    // the ticket was swept or its container deleted while the bytes were arriving
    await blobs.remove(info.id);
    throw new UploadError('upload ticket no longer exists', 404);
  }
  return { etag, size: info.size };
}

export interface ClaimedFile {
  name: string;
  blobId: string;
  size: number;
  hash: string;
}

export interface ClaimedUpload {
  ticket: UploadTicketRow;
  doc: Record<string, unknown>;
  files: ClaimedFile[];
  /** Delete the ticket; call inside the transaction that records the files. */
  commit(db: Db): void;
  /** After the commit: remove the part blobs that were joined into new blobs. */
  finish(): Promise<void>;
  /** Instead of commit: remove joined blobs and make the ticket closable again. */
  abort(): Promise<void>;
}

/**
 * Start closing a ticket: every part must have arrived, else 400 and the ticket is dropped with
 * the blobs that did arrive (`dropUploadTicket`). Refusals the client can still fix with the
 * same ticket leave it as it was: a malformed or mismatching `multipart`, or a close while
 * another is running (409). With
 * `multipart` (`{e_tags, upload_id}`, S3 style) the upload id and the ETags, in part order, must
 * match. Multi-part files are joined into one blob here (streamed).
 */
export async function claimUploadTicket(
  db: Db,
  blobs: BlobStore,
  ticket: UploadTicketRow,
  o: { multipart?: unknown } = {},
): Promise<ClaimedUpload> {
  if (ticket.expires < Date.now()) throw new UploadError('upload ticket has expired', 404);
  const doc = JSON.parse(ticket.doc) as Record<string, unknown>;
  const names = doc.filenames as string[];
  const parts = db
    .prepare('SELECT * FROM upload_parts WHERE ticket_id = ? ORDER BY part')
    .all(ticket.id) as PartRow[];
  const byName = new Map<string, PartRow[]>(names.map((n) => [n, []]));
  for (const p of parts) byName.get(p.name)?.push(p);
  for (const [name, list] of byName) {
    const missing = list.find((p) => p.state !== 'done');
    if (!missing) continue;
    // A close is the client's last word on the ticket: with a file or part missing nothing can
    // be saved, so the ticket goes, with the blobs of the parts that did arrive (a PUT still in
    // flight notices the ticket is gone and removes its own blob). Not while another close runs.
    if (!(await dropUploadTicket(db, blobs, ticket.id, { onlyIfIdle: true })))
      throw new UploadError('upload ticket is already being closed', 409);
    throw new UploadError(
      `${
        list.length === 1
          ? `file "${name}" was not uploaded`
          : `part ${missing.part} of file "${name}" was not uploaded`
      }; the upload ticket is closed, nothing was saved`,
      400,
    );
  }
  if (o.multipart !== undefined) checkMultipart(o.multipart, ticket, names, byName);
  const claim = db
    .prepare('UPDATE upload_tickets SET closing = 1 WHERE id = ? AND closing = 0')
    .run(ticket.id);
  if (claim.changes !== 1) throw new UploadError('upload ticket is already being closed', 409);

  const joined: string[] = [];
  const consumed: string[] = [];
  const release = async () => {
    await Promise.all(joined.map((b) => blobs.remove(b)));
    db.prepare('UPDATE upload_tickets SET closing = 0 WHERE id = ?').run(ticket.id);
  };
  const files: ClaimedFile[] = [];
  try {
    for (const name of names) {
      const list = byName.get(name)!;
      if (list.length === 1) {
        const p = list[0]!;
        files.push({ name, blobId: p.blob_id!, size: p.size!, hash: p.hash! });
        continue;
      }
      const ids = list.map((p) => p.blob_id!);
      const info = await blobs.write(concat(blobs, ids));
      joined.push(info.id);
      consumed.push(...ids);
      files.push({ name, blobId: info.id, size: info.size, hash: info.hash });
    }
  } catch (err) {
    await release();
    throw err;
  }
  return {
    ticket,
    doc,
    files,
    commit(tx) {
      const r = tx.prepare('DELETE FROM upload_tickets WHERE id = ?').run(ticket.id);
      if (r.changes !== 1) throw new UploadError('upload ticket no longer exists', 404);
    },
    async finish() {
      await Promise.all(consumed.map((b) => blobs.remove(b)));
    },
    abort: release,
  };
}

function checkMultipart(
  m: unknown,
  ticket: UploadTicketRow,
  names: string[],
  byName: Map<string, PartRow[]>,
): void {
  if (m === null || typeof m !== 'object' || Array.isArray(m))
    throw new UploadError('"multipart" must be an object', 400);
  const { e_tags: eTags, upload_id: uploadId } = m as Record<string, unknown>;
  if (uploadId !== ticket.upload_id)
    throw new UploadError('"multipart.upload_id" does not match the ticket', 400);
  if (!Array.isArray(eTags) || eTags.some((e) => typeof e !== 'string'))
    throw new UploadError('"multipart.e_tags" must be a list of strings', 400);
  const expected = names.flatMap((n) => byName.get(n)!.map((p) => p.etag));
  const given = (eTags as string[]).map((e) => e.replace(/^"|"$/g, ''));
  if (given.length !== expected.length || given.some((e, i) => e !== expected[i]))
    throw new UploadError('"multipart.e_tags" do not match the uploaded parts', 400);
}

async function* concat(blobs: BlobStore, ids: string[]): AsyncIterable<Uint8Array> {
  for (const id of ids) {
    const s = await blobs.open(id);
    for await (const chunk of s) yield chunk as Uint8Array;
  }
}

/**
 * Delete one ticket with its parts and the blobs of the parts that arrived. With `onlyIfIdle`,
 * a ticket being closed is left alone. Answers whether the ticket was deleted.
 */
export async function dropUploadTicket(
  db: Db,
  blobs: BlobStore,
  id: string,
  o: { onlyIfIdle?: boolean } = {},
): Promise<boolean> {
  const gone = db.transaction(() => {
    const ids = (
      db
        .prepare('SELECT blob_id FROM upload_parts WHERE ticket_id = ? AND blob_id IS NOT NULL')
        .all(id) as { blob_id: string }[]
    ).map((r) => r.blob_id);
    const r = db
      .prepare(`DELETE FROM upload_tickets WHERE id = ?${o.onlyIfIdle ? ' AND closing = 0' : ''}`)
      .run(id);
    if (r.changes !== 1) return undefined;
    db.prepare('DELETE FROM upload_parts WHERE ticket_id = ?').run(id);
    return ids;
  })();
  if (!gone) return false;
  await Promise.all(gone.map((b) => blobs.remove(b)));
  return true;
}

/** Delete expired tickets that are not being closed, with their blobs. Returns how many. */
export async function sweepUploadTickets(
  db: Db,
  blobs: BlobStore,
  nowMs = Date.now(),
): Promise<number> {
  const removed = db.transaction(() => {
    const ids = (
      db.prepare('SELECT id FROM upload_tickets WHERE expires < ? AND closing = 0').all(nowMs) as {
        id: string;
      }[]
    ).map((r) => r.id);
    const blobsOf = db.prepare(
      'SELECT blob_id FROM upload_parts WHERE ticket_id = ? AND blob_id IS NOT NULL',
    );
    const del = db.prepare('DELETE FROM upload_tickets WHERE id = ?');
    const out: string[] = [];
    for (const id of ids) {
      for (const r of blobsOf.all(id) as { blob_id: string }[]) out.push(r.blob_id);
      del.run(id);
    }
    return { count: ids.length, blobs: out };
  })();
  await Promise.all(removed.blobs.map((b) => blobs.remove(b)));
  return removed.count;
}

/**
 * At start-up (no request in flight): uploads and closes cut short by a crash become retryable,
 * temp files of interrupted blob writes are removed, and expired tickets are swept.
 */
export async function recoverUploads(db: Db, blobs: BlobStore): Promise<void> {
  db.prepare('UPDATE upload_tickets SET closing = 0 WHERE closing <> 0').run();
  db.prepare(`UPDATE upload_parts SET state = 'pending' WHERE state = 'uploading'`).run();
  for (const f of await readdir(blobs.dir)) {
    if (f.startsWith('.tmp-')) await rm(join(blobs.dir, f), { force: true });
  }
  await sweepUploadTickets(db, blobs);
  await sweepOrphanBlobs(db, blobs);
}

const BLOB_NAME_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UUID_IN_TEXT_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * Start-up only (no request in flight): remove blobs no record points at, e.g. a blob a crash
 * left between its rename and the transaction that records it. References are every
 * `blob_id` column and any blob id inside a stored `doc` (staged packfile files and the like).
 * Answers the number removed.
 */
export async function sweepOrphanBlobs(db: Db, blobs: BlobStore): Promise<number> {
  const onDisk = (await readdir(blobs.dir)).filter((f) => BLOB_NAME_RE.test(f));
  if (onDisk.length === 0) return 0;
  const used = new Set<string>();
  const tables = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
    .all() as { name: string }[];
  for (const { name } of tables) {
    const cols = (db.prepare(`PRAGMA table_info("${name}")`).all() as { name: string }[]).map(
      (c) => c.name,
    );
    for (const col of cols.filter((c) => c === 'blob_id' || c.endsWith('_blob_id'))) {
      for (const r of db
        .prepare(`SELECT "${col}" AS b FROM "${name}" WHERE "${col}" IS NOT NULL`)
        .iterate() as Iterable<{ b: string }>)
        used.add(r.b);
    }
    if (cols.includes('doc')) {
      for (const r of db.prepare(`SELECT doc FROM "${name}"`).iterate() as Iterable<{
        doc: string | null;
      }>) {
        for (const m of String(r.doc ?? '').matchAll(UUID_IN_TEXT_RE)) used.add(m[0]);
      }
    }
  }
  let removed = 0;
  for (const f of onDisk) {
    if (used.has(f)) continue;
    await blobs.remove(f);
    removed++;
  }
  return removed;
}
