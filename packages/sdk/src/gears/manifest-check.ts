/**
 * Checks a gear run against the gear's manifest before anything is sent: config values (known
 * keys, declared type, `enum`, `minimum`/`maximum`; an option without a default may be left
 * out, as `@fw/server` and the gears read it as absent) and inputs (known names,
 * only file inputs set by the caller, required ones present, the file type when the manifest
 * restricts it). A mistake throws a `GearConfigError` / `GearInputError` naming the fix.
 */
import type { FileRef } from '../models/mixins.js';
import { GearConfigError, GearInputError } from './errors.js';
import type { GearManifestLike, ManifestConfigOption, ManifestInput } from './manifest.js';

/** A file given as an input: a `FileEntry` (anything with `ref()`), or `{ type, id, name }`. */
export type FileInputLike = { ref(): { type: string; id: string; name?: string } } | FileRef;

const TYPE_CHECKS: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  integer: (v) => Number.isSafeInteger(v),
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  boolean: (v) => typeof v === 'boolean',
  array: (v) => Array.isArray(v),
  object: (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
};

const list = (names: string[]) => (names.length ? names.join(', ') : '(none)');
const show = (v: unknown) =>
  typeof v === 'string' ? JSON.stringify(v) : String(JSON.stringify(v) ?? v);

/** The manifest's `{ option: default }` (options without a default are left out, as v21). */
export function defaultConfig(manifest: GearManifestLike): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(manifest.config ?? {})
      .filter(([, spec]) => spec?.default !== undefined && spec?.default !== null)
      .map(([k, spec]) => [k, spec.default]),
  );
}

function checkValue(gear: string, key: string, spec: ManifestConfigOption, value: unknown): void {
  const fits = spec.type ? TYPE_CHECKS[spec.type] : undefined;
  if (fits && !fits(value))
    throw new GearConfigError(
      `gear ${gear}: config "${key}" must be ${spec.type === 'integer' ? 'an integer' : `a ${spec.type}`}, got ${show(value)}`,
      key,
    );
  if (spec.enum && !spec.enum.some((e) => e === value))
    throw new GearConfigError(
      `gear ${gear}: config "${key}" must be one of ${spec.enum.map(show).join(', ')}, got ${show(value)}`,
      key,
    );
  if (typeof value === 'number') {
    if (spec.minimum !== undefined && value < spec.minimum)
      throw new GearConfigError(
        `gear ${gear}: config "${key}" must be ≥ ${spec.minimum}, got ${value}`,
        key,
      );
    if (spec.maximum !== undefined && value > spec.maximum)
      throw new GearConfigError(
        `gear ${gear}: config "${key}" must be ≤ ${spec.maximum}, got ${value}`,
        key,
      );
  }
}

/** The config a job is sent with: defaults merged with `given`, every value checked. */
export function mergeConfig(
  manifest: GearManifestLike,
  given: Record<string, unknown> = {},
): Record<string, unknown> {
  const gear = manifest.name ?? '(unnamed)';
  const declared = manifest.config ?? {};
  const merged = { ...defaultConfig(manifest), ...given };
  for (const [key, value] of Object.entries(merged)) {
    const spec = declared[key];
    if (!spec)
      throw new GearConfigError(
        `gear ${gear} has no config option "${key}": use one of ${list(Object.keys(declared))}`,
        key,
      );
    // undefined means "not set": drop it rather than send a null the gear did not ask for.
    if (value === undefined) {
      delete merged[key];
      continue;
    }
    checkValue(gear, key, spec, value);
  }
  return merged;
}

function isFileRef(v: unknown): v is FileRef {
  const r = v as Partial<FileRef> | null;
  return (
    !!r && typeof r.type === 'string' && typeof r.id === 'string' && typeof r.name === 'string'
  );
}

/** One input as the `{ type, id, name }` reference a job carries, checked against its spec. */
function inputRef(gear: string, name: string, spec: ManifestInput, value: unknown): FileRef {
  const withRef = value as { ref?: unknown; type?: unknown; name?: unknown } | null;
  const ref: unknown =
    withRef && typeof withRef.ref === 'function' ? (withRef.ref as () => unknown)() : value;
  if (!isFileRef(ref)) {
    const what =
      ref && typeof (ref as { type?: unknown }).type === 'string'
        ? `a ${(ref as { type: string }).type} (a container, not a file)`
        : show(value);
    throw new GearInputError(
      `gear ${gear}: input "${name}" needs a file (a FileEntry or { type, id, name }), got ${what}`,
      name,
    );
  }
  // A FileEntry knows its file type; a bare reference does not, so only entries are checked.
  const allowed = spec.type?.enum;
  const fileType = withRef && typeof withRef.ref === 'function' ? withRef.type : undefined;
  if (allowed && allowed.length && typeof fileType === 'string' && !allowed.includes(fileType))
    throw new GearInputError(
      `gear ${gear}: input "${name}" takes files of type ${allowed.join(', ')}; ${ref.name} is ${fileType}`,
      name,
    );
  return { type: ref.type, id: ref.id, name: ref.name };
}

/** The inputs a job is sent with, as file references; the manifest decides what is allowed. */
export function checkInputs(
  manifest: GearManifestLike,
  given: Record<string, unknown> = {},
): Record<string, FileRef> {
  const gear = manifest.name ?? '(unnamed)';
  const declared = manifest.inputs ?? {};
  const files = Object.entries(declared).filter(([, s]) => (s.base ?? 'file') === 'file');
  const out: Record<string, FileRef> = {};
  for (const [name, value] of Object.entries(given)) {
    if (value === undefined) continue;
    const spec = declared[name];
    if (!spec)
      throw new GearInputError(
        `gear ${gear} has no input "${name}": use one of ${list(files.map(([n]) => n))}`,
        name,
      );
    if ((spec.base ?? 'file') !== 'file')
      throw new GearInputError(
        `gear ${gear}: input "${name}" is a ${spec.base} input, filled in when the job runs: leave it out`,
        name,
      );
    out[name] = inputRef(gear, name, spec, value);
  }
  for (const [name, spec] of files)
    if (!out[name] && spec.optional !== true)
      throw new GearInputError(
        `gear ${gear}: input "${name}" is required: pass inputs: { '${name}': file }`,
        name,
      );
  return out;
}
