/**
 * Gear manifests: the checks a manifest passes when a gear is added (so that a job can later be
 * validated against it), and the checks a job's inputs and config pass against its manifest.
 * The rules are the manifest schema's: inputs have a `base` of file, api-key or context; file
 * inputs may restrict `type.enum` to file types; config entries have a JSON type and an
 * optional `default` of that type; a file input is required unless `optional`.
 */
import type { Doc } from '../db/containers.js';
import { badRequest, HttpError } from './errors.js';
import { isObj, type Obj } from './validate.js';

export const INPUT_BASES = ['file', 'api-key', 'context'] as const;

const CONFIG_TYPES: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  integer: (v) => Number.isSafeInteger(v),
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  boolean: (v) => typeof v === 'boolean',
  array: (v) => Array.isArray(v),
  object: (v) => isObj(v),
};

/** 400 naming the first problem of a manifest's `inputs`, `config` or `command`. */
export function validateManifest(manifest: Obj): void {
  const name = String(manifest.name);
  if (manifest.command !== undefined && typeof manifest.command !== 'string')
    throw badRequest(`manifest "command" of gear ${name} must be a string (a shell command)`);
  const inputs = manifest.inputs ?? {};
  if (!isObj(inputs)) throw badRequest('manifest "inputs" must be an object');
  for (const [k, v] of Object.entries(inputs)) {
    const where = `manifest input "${k}"`;
    if (!isObj(v)) throw badRequest(`${where} must be an object with a "base"`);
    if (typeof v.base !== 'string' || !(INPUT_BASES as readonly string[]).includes(v.base))
      throw badRequest(`${where} needs "base" as one of ${INPUT_BASES.join(', ')}`);
    if (v.optional !== undefined && typeof v.optional !== 'boolean')
      throw badRequest(`${where}: "optional" must be true or false`);
    if (v.type !== undefined) {
      if (v.base !== 'file') throw badRequest(`${where}: only file inputs take a "type"`);
      // only `enum` constrains a job; other keys are kept as given
      const en = isObj(v.type) ? v.type.enum : null;
      if (
        !isObj(v.type) ||
        (en !== undefined && (!Array.isArray(en) || en.some((x) => typeof x !== 'string')))
      )
        throw badRequest(`${where}: "type" must be {"enum": [file types]}`);
    }
  }
  const config = manifest.config ?? {};
  if (!isObj(config)) throw badRequest('manifest "config" must be an object');
  for (const [k, v] of Object.entries(config)) {
    const where = `manifest config "${k}"`;
    if (!isObj(v)) throw badRequest(`${where} must be an object with a "type"`);
    const fits = typeof v.type === 'string' ? CONFIG_TYPES[v.type] : undefined;
    if (!fits)
      throw badRequest(`${where} needs "type" as one of ${Object.keys(CONFIG_TYPES).join(', ')}`);
    if (v.default !== undefined && !fits(v.default))
      throw badRequest(
        `${where}: default ${JSON.stringify(v.default)} is not of type ${String(v.type)}`,
      );
    if (Array.isArray(v.enum) && v.default !== undefined && !v.enum.includes(v.default))
      throw badRequest(`${where}: default ${JSON.stringify(v.default)} is not in its enum`);
  }
}

/** Config defaults of a manifest (entries without a default are left out, as Python does). */
export function configDefaults(manifest: Doc): Doc {
  const out: Doc = {};
  for (const [k, v] of Object.entries((manifest.config ?? {}) as Doc))
    if (isObj(v) && v.default !== undefined) out[k] = v.default;
  return out;
}

/**
 * 422 when a job's merged config breaks the manifest: a value of the wrong type or outside its
 * enum. An entry without a default may be left out (gears read it as absent).
 */
export function checkJobConfig(manifest: Doc, config: Obj): void {
  const declared = isObj(manifest.config) ? manifest.config : {};
  const gear = String(manifest.name);
  for (const [k, v] of Object.entries(config)) {
    const spec = declared[k];
    const type = isObj(spec) && typeof spec.type === 'string' ? spec.type : undefined;
    const fits = type === undefined ? undefined : CONFIG_TYPES[type];
    if (fits && !fits(v))
      throw new HttpError(
        422,
        `config value "${k}" must be of type ${type} (gear ${gear}), got ${JSON.stringify(v)}`,
      );
    if (isObj(spec) && Array.isArray(spec.enum) && !spec.enum.includes(v))
      throw new HttpError(
        422,
        `config value "${k}" must be one of ${spec.enum.map((x) => JSON.stringify(x)).join(', ')} (gear ${gear})`,
      );
  }
}

/**
 * 400 when a job's file inputs break the manifest: a required file input missing, or a file
 * whose type the input does not accept. `files` maps input names to the chosen file docs.
 */
export function checkJobInputs(manifest: Doc, files: Record<string, Doc>): void {
  const declared = (isObj(manifest.inputs) ? manifest.inputs : {}) as Record<string, Doc>;
  const gear = String(manifest.name);
  for (const [k, spec] of Object.entries(declared)) {
    if (!isObj(spec) || (spec.base ?? 'file') !== 'file') continue;
    const f = files[k];
    if (!f) {
      if (spec.optional !== true)
        throw badRequest(`input "${k}" is required by gear ${gear}: give it a file reference`);
      continue;
    }
    const en = isObj(spec.type) && Array.isArray(spec.type.enum) ? spec.type.enum : null;
    if (en && !en.includes(f.type))
      throw badRequest(
        `input "${k}" of gear ${gear} takes files of type ${en.join(', ')}; "${String(f.name)}" is ${f.type === null || f.type === undefined ? 'untyped' : `"${String(f.type)}"`}`,
      );
  }
}
