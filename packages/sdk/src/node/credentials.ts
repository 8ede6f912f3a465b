/** Flywheel CLI credentials (`~/.config/flywheel/user.json`). */
import { FlywheelError } from '@fw/api';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export class CredentialsError extends FlywheelError {
  override readonly code: string = 'FW_CREDENTIALS';
  readonly path: string;
  constructor(message: string, path: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CredentialsError';
    this.path = path;
  }
}

/** Path of the CLI credentials file under `home` (default: the user's home directory). */
export function cliCredentialsPath(home?: string): string {
  return join(home ?? homedir(), '.config', 'flywheel', 'user.json');
}

/**
 * Read the API key saved by the Flywheel CLI (`fw login`). Never includes the key in errors.
 * @param home home directory to look in (default `os.homedir()`, which honours `HOME`).
 */
export function readCliCredentials(home?: string): string {
  const path = cliCredentialsPath(home);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new CredentialsError(
        `No Flywheel CLI credentials found at ${path}. Log in with the Flywheel CLI ` +
          '(`fw login <api-key>`) or pass an API key explicitly.',
        path,
      );
    }
    throw new CredentialsError(
      `Cannot read Flywheel CLI credentials ${path}: ${(err as Error).message}`,
      path,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // The parser's message may quote the file's text (the key): do not include it or its cause.
    throw new CredentialsError(
      `Flywheel CLI credentials file ${path} is not valid JSON. Log in again with \`fw login\`.`,
      path,
    );
  }
  const key =
    typeof data === 'object' && data !== null ? (data as Record<string, unknown>).key : undefined;
  if (typeof key !== 'string' || key.trim() === '') {
    throw new CredentialsError(
      `Flywheel CLI credentials file ${path} has no "key" field (a non-empty string). ` +
        'Log in again with `fw login`.',
      path,
    );
  }
  return key.trim();
}
