/**
 * The job log as a gear writes it: output is cut into lines per stream and each complete line
 * is appended at once (`{fd, msg}`, msg ending in "\n", as Flywheel engines send them), so
 * `GET /jobs/{id}/logs` shows progress while the gear runs. A partial last line is flushed at
 * the end.
 */
import type { Db } from '../db/open.js';
import { appendJobLogs } from '../app/jobs.js';

export interface LogSink {
  write(fd: 1 | 2, chunk: string): void;
  /** A line of the engine's own (the failure reason, skipped files), on stderr. */
  note(msg: string): void;
  flush(): void;
}

/** The engine's own lines go to fd 2 (the contract's logs hold fd 1 and 2 only). */
export const ENGINE_FD = 2;

export function createLogSink(db: Db, jobId: string): LogSink {
  const partial: Record<number, string> = { 1: '', 2: '' };
  const append = (lines: { fd: number; msg: string }[]) => {
    try {
      appendJobLogs(db, jobId, lines);
    } catch {
      // the database is closing (engine stop): the line is lost, the job is failed anyway
    }
  };
  return {
    write(fd, chunk) {
      const text = partial[fd] + chunk;
      const cut = text.lastIndexOf('\n');
      if (cut < 0) {
        partial[fd] = text;
        return;
      }
      partial[fd] = text.slice(cut + 1);
      append(
        text
          .slice(0, cut)
          .split('\n')
          .map((l) => ({ fd, msg: l + '\n' })),
      );
    },
    note(msg) {
      this.flush();
      append([{ fd: ENGINE_FD, msg: msg.endsWith('\n') ? msg : msg + '\n' }]);
    },
    flush() {
      for (const fd of [1, 2] as const)
        if (partial[fd]) {
          append([{ fd, msg: partial[fd] + '\n' }]);
          partial[fd] = '';
        }
    },
  };
}
