/**
 * The local engine: a queue loop inside the server process that takes pending jobs of local
 * gears (manifest `command`), one at a time, and runs each through the steps of a Flywheel
 * engine: lay out the gear folder, run the command under a time limit with its output streamed
 * to the job log, commit `output/` (with `.metadata.json`) and the final state together.
 */
import { rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import type { Doc } from '../db/containers.js';
import type { AppState } from '../app/context.js';
import { getGear, getJob, saveJob, selectNextJob, withState } from '../app/jobs.js';
import { now } from '../app/time.js';
import { layOutGearFolder, type GearFolder } from './layout.js';
import { createLogSink, type LogSink } from './log-sink.js';
import { runCommand, type RunOutcome, type RunningCommand } from './process.js';
import { commitOutputs, discardStaged, stageOutputDir } from './outputs.js';
import { jobKey } from './job-key.js';

export interface EngineOptions {
  /** How often the queue is checked for pending jobs, in ms; default 250. */
  pollMs?: number;
  /** Most time a gear may run, in ms; default 600 000 (10 minutes). The process group is killed. */
  timeLimitMs?: number;
  /** Where gear folders are made; default the OS temp folder. */
  workRoot?: string;
  /** Keep each job's gear folder after the job (for debugging a gear); default false. */
  keepWorkDirs?: boolean;
}

export interface LocalEngine {
  /** Resolves once no job is running and no job the engine could take is pending. */
  idle(): Promise<void>;
  /** Stop taking jobs; a running gear is killed and its job failed. */
  stop(): Promise<void>;
}

export interface EngineHost {
  state: AppState;
  adminId: string;
  /** A bare key in the SDK's `host:port:__force_insecure:key` form for this server. */
  sdkKey: (key: string) => string;
  log?: ((line: string) => void) | undefined;
}

/** A local gear is one whose manifest names a command; other gears wait for another engine. */
export const localCommand = (gear: Doc | undefined): string | undefined => {
  const c = (gear?.gear as Doc | undefined)?.command;
  return typeof c === 'string' && c.trim() !== '' ? c : undefined;
};

/** The failure reason of an outcome, or undefined for a clean exit. */
function failureOf(o: RunOutcome): string | undefined {
  switch (o.kind) {
    case 'exit':
      return o.code === 0 ? undefined : `gear exited with code ${o.code}`;
    case 'signal':
      return `gear was killed by signal ${o.signal}`;
    case 'timeout':
      return `gear ran longer than its time limit of ${o.limitMs / 1000} s and was killed`;
    case 'killed':
      return o.reason;
    case 'error':
      return `gear command could not be started: ${o.message}`;
  }
}

export function startEngine(host: EngineHost, options: EngineOptions = {}): LocalEngine {
  const { db, blobs } = host.state;
  const pollMs = options.pollMs ?? 250;
  const timeLimitMs = options.timeLimitMs ?? 600_000;
  const workRoot = options.workRoot ?? tmpdir();
  let stopped = false;
  let draining: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;
  let current: RunningCommand | null = null;
  const waiters: (() => void)[] = [];

  /** Take the next local job and mark it running, in one transaction. */
  const take = (): Doc | undefined =>
    db.transaction(() => {
      const job = selectNextJob(db, {
        accept: (j) => localCommand(getGear(db, String(j.gear_id))) !== undefined,
      });
      if (!job) return undefined;
      const running = withState(job, 'running');
      saveJob(db, running);
      return running;
    })();

  const failJob = (id: string, sink: LogSink, reason: string) => {
    sink.note(reason);
    try {
      const job = getJob(db, id);
      if (job.state === 'running')
        saveJob(db, withState(job, 'failed', { failure_reason: reason }));
    } catch (err) {
      host.log?.(`local engine: could not fail job ${id}: ${String(err)}`);
    }
  };

  async function runJob(job: Doc): Promise<void> {
    const id = String(job._id);
    const started = Date.now();
    const sink = createLogSink(db, id);
    const key = jobKey(db, job, host.adminId, host.sdkKey);
    let folder: GearFolder | undefined;
    let beat: NodeJS.Timeout | undefined;
    try {
      const gear = getGear(db, String(job.gear_id));
      const command = localCommand(gear);
      if (!gear || !command) throw new Error(`gear ${String(job.gear_id)} has no local command`);
      const manifest = gear.gear as Doc;
      folder = await layOutGearFolder(db, blobs, { workRoot, job, manifest, apiKey: key.get });
      if (stopped) throw new Error('the local engine was stopped before the gear started');
      const cmd = runCommand({
        command,
        cwd: folder.dir,
        env: { ...process.env, FLYWHEEL: folder.dir, FW_LOCAL_ENGINE: '1' },
        timeLimitMs,
        onOutput: (fd, chunk) => sink.write(fd, chunk),
      });
      current = cmd;
      // heartbeat (so the job is not reaped) and cancellation check
      beat = setInterval(
        () => {
          try {
            const j = getJob(db, id);
            if (j.state === 'cancelled') cmd.kill('the job was cancelled while running');
            else if (j.state === 'running') saveJob(db, { ...j, modified: now() });
          } catch {
            // the database is closing: stop() kills the gear
          }
        },
        Math.min(1000, Math.max(50, pollMs * 4)),
      );
      const outcome = await cmd.done;
      current = null;
      clearInterval(beat);
      sink.flush();
      const failure = failureOf(outcome);
      if (failure) return failJob(id, sink, failure);
      const staged = await stageOutputDir(blobs, folder.outputDir);
      for (const s of staged.skipped) sink.note(`output/${s} is not a file: not uploaded`);
      try {
        commitOutputs(db, job, staged.files, staged.metadata, {
          complete: true,
          profile: {
            elapsed_time_ms: Date.now() - started,
            executor: { name: 'fw-server local engine', host: hostname() },
          },
        });
      } catch (err) {
        await discardStaged(blobs, staged.files);
        throw err;
      }
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      failJob(id, sink, `job failed: ${msg}`);
    } finally {
      current = null;
      if (beat) clearInterval(beat);
      key.revoke();
      if (folder && !options.keepWorkDirs)
        await rm(folder.dir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  async function drain(): Promise<void> {
    while (!stopped) {
      let job: Doc | undefined;
      try {
        job = take();
      } catch (err) {
        host.log?.(`local engine: could not take a job: ${String(err)}`);
      }
      if (!job) break;
      await runJob(job);
    }
    for (const w of waiters.splice(0)) w();
  }

  function wake(): void {
    if (draining || stopped) return;
    clearTimeout(timer);
    draining = drain().finally(() => {
      draining = null;
      if (stopped) return;
      timer = setTimeout(wake, pollMs);
      timer.unref();
    });
  }

  wake();
  return {
    idle() {
      if (stopped) return Promise.resolve();
      return new Promise<void>((res) => {
        waiters.push(res);
        wake();
      });
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      current?.kill('the local engine was stopped while the gear ran');
      await draining;
      for (const w of waiters.splice(0)) w();
    },
  };
}
