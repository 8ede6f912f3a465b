import { badRequest, conflict, notFound } from './errors.js';
import { objectId } from './ids.js';
import { now } from './time.js';
import { checkTag, isObj, sanitizeInfo, type Obj } from './validate.js';
import type { Doc } from '../db/containers.js';

/** Tags, notes and info edits on a container document (pure; caller saves). */

export function addTag(doc: Doc, value: unknown): void {
  const tag = checkTag(value);
  const tags: string[] = (doc.tags ??= []);
  if (tags.includes(tag)) throw conflict(`tag "${tag}" already exists`);
  tags.push(tag);
}

export function renameTag(doc: Doc, from: string, to: unknown): void {
  const tag = checkTag(to);
  const tags: string[] = doc.tags ?? [];
  const i = tags.indexOf(from);
  if (i < 0) throw notFound(`tag "${from}" not found`);
  if (tag !== from && tags.includes(tag)) throw conflict(`tag "${tag}" already exists`);
  tags[i] = tag;
}

export function deleteTag(doc: Doc, value: string): void {
  const tags: string[] = doc.tags ?? [];
  const i = tags.indexOf(value);
  if (i < 0) throw notFound(`tag "${value}" not found`);
  tags.splice(i, 1);
}

export function requireTag(doc: Doc, value: string): void {
  if (!(doc.tags ?? []).includes(value)) throw notFound(`tag "${value}" not found`);
}

export function addNote(doc: Doc, text: unknown, userId: string): Doc {
  if (typeof text !== 'string' || text.length === 0)
    throw badRequest('"text" must be a non-empty string');
  const t = now();
  const note = { _id: objectId(), text, user: userId, created: t, modified: t };
  (doc.notes ??= []).push(note);
  return note;
}

export function findNote(doc: Doc, id: string): Doc {
  const note = (doc.notes ?? []).find((n: Doc) => n._id === id);
  if (!note) throw notFound(`note ${id} not found`);
  return note;
}

export function modifyNote(doc: Doc, id: string, text: unknown): void {
  if (typeof text !== 'string' || text.length === 0)
    throw badRequest('"text" must be a non-empty string');
  const note = findNote(doc, id);
  note.text = text;
  note.modified = now();
}

export function deleteNote(doc: Doc, id: string): void {
  findNote(doc, id);
  doc.notes = (doc.notes as Doc[]).filter((n) => n._id !== id);
}

/** `{set, delete}` or `{replace}` on `doc.info`; mixing replace with the others is a 400. */
export function applyInfoUpdate(doc: Doc, body: Obj): void {
  const keys = Object.keys(body);
  for (const k of keys) {
    if (!['set', 'delete', 'replace'].includes(k))
      throw badRequest(`unexpected property "${k}" in info update`);
  }
  if (keys.length === 0) throw badRequest('info update needs "set", "delete" or "replace"');
  if (body.replace !== undefined && (body.set !== undefined || body.delete !== undefined)) {
    throw badRequest('"replace" cannot be combined with "set" or "delete"');
  }
  if (body.replace !== undefined) {
    if (!isObj(body.replace)) throw badRequest('"replace" must be an object');
    doc.info = sanitizeInfo(body.replace);
    return;
  }
  const info: Obj = isObj(doc.info) ? doc.info : {};
  if (body.set !== undefined) {
    if (!isObj(body.set)) throw badRequest('"set" must be an object');
    Object.assign(info, sanitizeInfo(body.set));
  }
  if (body.delete !== undefined) {
    if (!Array.isArray(body.delete) || body.delete.some((k) => typeof k !== 'string')) {
      throw badRequest('"delete" must be a list of keys');
    }
    for (const k of body.delete as string[]) delete info[k];
  }
  doc.info = info;
}
