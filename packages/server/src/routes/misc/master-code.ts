import { createHash, randomBytes } from 'node:crypto';
import type { RouteTable } from '../../app/operations.js';
import { requireUser } from '../../app/access.js';
import { getDoc, insertDoc, shaped } from '../../app/documents.js';
import { badRequest, notFound } from '../../app/errors.js';
import { readJson, replyUntyped } from '../../app/json.js';

/**
 * Master subject codes: one stable code per patient, from the patient id (`use_patient_id`) or
 * from first name, last name and date of birth. Only a SHA-256 of the normalised identity is
 * stored, never the identity itself.
 */
const KIND = 'master_code';
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function newCode(): string {
  const b = randomBytes(8);
  let s = '';
  for (const x of b) s += ALPHABET[x % ALPHABET.length];
  return `FW${s}`;
}

export function registerMasterCodeRoutes(routes: RouteTable): void {
  routes.on('create_master_subject_code', async (c) => {
    requireUser(c.get('user'));
    const body = shaped(await readJson(c), {
      fields: {
        patient_id: 'string',
        use_patient_id: 'bool',
        first_name: 'string',
        last_name: 'string',
        date_of_birth: 'string',
      },
    });
    const norm = (v: unknown) =>
      String(v ?? '')
        .trim()
        .toLowerCase();
    let identity: string;
    if (body.use_patient_id) {
      if (!norm(body.patient_id)) throw badRequest('patient_id is required with use_patient_id');
      identity = `pid:${norm(body.patient_id)}`;
    } else {
      if (!norm(body.first_name) || !norm(body.last_name) || !norm(body.date_of_birth)) {
        if (!norm(body.patient_id))
          throw badRequest('give patient_id, or first_name, last_name and date_of_birth');
        identity = `pid:${norm(body.patient_id)}`;
      } else {
        const dob = norm(body.date_of_birth);
        if (!/^\d{4}-\d{2}-\d{2}/.test(dob) || Number.isNaN(Date.parse(dob)))
          throw badRequest('date_of_birth must be a date (YYYY-MM-DD)');
        identity = `dob:${norm(body.first_name)}|${norm(body.last_name)}|${dob.slice(0, 10)}`;
      }
    }
    const hash = createHash('sha256').update(identity).digest('hex');
    const db = c.get('state').db;
    const existing = db
      .prepare("SELECT id FROM documents WHERE kind = ? AND json_extract(doc, '$.identity') = ?")
      .get(KIND, hash) as { id: string } | undefined;
    if (existing) return replyUntyped(c, { code: existing.id });
    let code = newCode();
    while (getDoc(db, KIND, code)) code = newCode();
    insertDoc(db, KIND, { identity: hash }, { id: code });
    return replyUntyped(c, { code });
  });
  routes.on('verify_master_subject_code', (c, [code = '']) => {
    requireUser(c.get('user'));
    if (!getDoc(c.get('state').db, KIND, code))
      throw notFound(`master subject code ${code} not found`);
    return replyUntyped(c, { code });
  });
}
