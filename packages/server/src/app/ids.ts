import { randomBytes, randomUUID } from 'node:crypto';

const processRandom = randomBytes(5).toString('hex');
let counter = randomBytes(3).readUIntBE(0, 3);
let lastId = '';

/**
 * ObjectId-like 24-hex id: 4-byte seconds, 5 random bytes fixed per process, 3-byte counter.
 * Ids from one process strictly increase, so `after_id` paging sees new items after the cursor.
 */
export function objectId(): string {
  counter = (counter + 1) % 0x1000000;
  const secs = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0');
  let id = secs + processRandom + counter.toString(16).padStart(6, '0');
  if (id <= lastId) id = increment(lastId);
  lastId = id;
  return id;
}

function increment(hex: string): string {
  return (BigInt('0x' + hex) + 1n).toString(16).padStart(24, '0');
}

export const OBJECT_ID_RE = /^[0-9a-f]{24}$/;
export const isObjectId = (s: string) => OBJECT_ID_RE.test(s);
/** Group ids per the reference: lowercase, 2-32 chars. */
export const GROUP_ID_RE = /^[0-9a-z][0-9a-z.@_-]{0,30}[0-9a-z]$/;

export const uuid = () => randomUUID();
/**
 * Random bytes for request ids, drawn from the system in blocks: a `randomBytes(4)` call for each
 * request was a tenth of a millisecond of every answer.
 */
const ID_POOL_SIZE = 4096;
let idPool = randomBytes(ID_POOL_SIZE);
let idPoolAt = 0;

/** `<8 random hex>-<unix seconds>`, new for every request. */
export function requestId(): string {
  if (idPoolAt + 4 > ID_POOL_SIZE) {
    idPool = randomBytes(ID_POOL_SIZE);
    idPoolAt = 0;
  }
  const hex = idPool.toString('hex', idPoolAt, idPoolAt + 4);
  idPoolAt += 4;
  return `${hex}-${Math.floor(Date.now() / 1000)}`;
}
