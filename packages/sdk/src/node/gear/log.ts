/**
 * The gear's log: one line per message on stderr (the engine streams it into the job log),
 * `LEVEL message`. Any occurrence of the job's API key is masked, so a careless message cannot
 * put the key in a log (the same masking `@fw/api` applies to its errors).
 */
import { redactText } from '@fw/api';

export interface GearLog {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: LogLevel[] = ['debug', 'info', 'warn', 'error'];

export function createGearLog(
  stream: { write(text: string): unknown },
  secrets: () => readonly string[],
  level: LogLevel = 'info',
): GearLog {
  const min = ORDER.indexOf(level);
  const line = (lvl: LogLevel) => (message: string) => {
    if (ORDER.indexOf(lvl) < min) return;
    stream.write(`${lvl.toUpperCase()} ${redactText(String(message), secrets())}\n`);
  };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}
