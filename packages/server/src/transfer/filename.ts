import { TransferError } from './errors.js';

/**
 * Make an uploaded file name safe to store (api-surface §5.4): by default reduce it to its
 * basename; with `keepPath` (`?filename_path=true`) keep a relative sub-path but never one
 * that climbs out (`..`) or is absolute. Backslashes count as separators (Windows clients).
 */
export function safeFileName(raw: string, keepPath = false): string {
  if (raw.includes('\0')) throw new TransferError('invalid file name (contains NUL)', 400);
  const segments = raw.replace(/\\/g, '/').split('/');
  if (keepPath) {
    const kept = segments.filter((s) => s !== '' && s !== '.');
    if (kept.includes('..')) throw new TransferError(`invalid file name "${raw}"`, 400);
    if (kept.length === 0) throw new TransferError(`invalid file name "${raw}"`, 400);
    return kept.join('/');
  }
  const base = segments[segments.length - 1] ?? '';
  if (base === '' || base === '.' || base === '..')
    throw new TransferError(`invalid file name "${raw}"`, 400);
  return base;
}
