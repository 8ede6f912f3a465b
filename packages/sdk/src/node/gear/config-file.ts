/**
 * The gear folder's `config.json` as a Flywheel engine writes it (and the local engine does):
 * `config` (manifest defaults merged with the job's values), `inputs` by name (a file, the
 * job's API key, or a context value), `destination` and `job`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FlywheelError } from '@fw/api';

/** A mistake in using `GearContext`: no gear folder, a missing or mistyped input. */
export class GearContextError extends FlywheelError {
  override name = 'GearContextError';
  override readonly code: string = 'FW_GEAR_CONTEXT';
}

/** A file input: where the engine put the file, and the file's record. */
export interface GearFileInput {
  base: 'file';
  hierarchy: { type: string; id: string };
  location: { path: string; name: string };
  object: {
    file_id?: string;
    version?: number;
    type?: string | null;
    mimetype?: string;
    modality?: string | null;
    classification?: Record<string, string[]>;
    tags?: string[];
    info?: Record<string, unknown>;
    size?: number;
    zip_member_count?: number;
    [key: string]: unknown;
  };
}
/** The API key the job runs with (never log it). */
export interface GearApiKeyInput {
  base: 'api-key';
  key: string;
}
/** A context value (`found: false` when the project has none). */
export interface GearContextInput {
  base: 'context';
  found: boolean;
  value?: unknown;
}
export type GearInputEntry = GearFileInput | GearApiKeyInput | GearContextInput;

/** A container reference (`{ type, id }`). */
export interface GearDestination {
  type: string;
  id: string;
}

export interface GearConfigFile {
  config: Record<string, unknown>;
  inputs: Record<string, GearInputEntry>;
  destination: GearDestination;
  job?: { id: string };
}

/** Read and check `<dir>/config.json`; the errors say which file and what is wrong. */
export async function readConfigFile(dir: string): Promise<GearConfigFile> {
  const path = join(dir, 'config.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new GearContextError(
      `no ${path}: run inside a gear folder, set FLYWHEEL, or pass the folder to GearContext.fromDir()`,
      { cause: err },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new GearContextError(`${path} is not valid JSON (${(err as Error).message})`, {
      cause: err,
    });
  }
  const doc = parsed as Partial<GearConfigFile> | null;
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new GearContextError(`${path} must hold an object with config, inputs and destination`);
  const dest = doc.destination;
  if (!dest || typeof dest.type !== 'string' || typeof dest.id !== 'string')
    throw new GearContextError(`${path} has no destination { type, id }`);
  return {
    config: doc.config && typeof doc.config === 'object' ? doc.config : {},
    inputs: doc.inputs && typeof doc.inputs === 'object' ? doc.inputs : {},
    destination: { type: dest.type, id: dest.id },
    ...(doc.job?.id ? { job: { id: doc.job.id } } : {}),
  };
}
