// Runs the OMS services as real child processes (as in production: one process per service, each its bundle
// dist/<name>/main.mjs with the node flags of its container, scripts/services.mjs), for the demo, the end-to-end
// benchmark and the fault suite. stack.ts builds dist/ first. Each process's output goes to a log file.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { bundlePath, nodeFlags } from '../../scripts/services.mjs';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ServiceProcess {
  name: string;
  healthUrl: string;
  child: ChildProcess | null;
  /** Peak resident memory seen by sampling (bytes). */
  peakRss: number;
  restarts: number;
  start(): void;
  kill(signal?: NodeJS.Signals): Promise<void>;
  ready(): Promise<boolean>;
}

/** Resident memory of a pid from /proc (Linux), 0 if it is gone. */
export function rssOf(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

export function serviceProcess(opts: {
  name: string;
  /** A TypeScript file to run with tsx instead of the bundle dist/<name>/main.mjs. */
  entry?: string;
  env: Record<string, string>;
  healthUrl: string;
  logDir: string;
}): ServiceProcess {
  mkdirSync(opts.logDir, { recursive: true });
  const logFile = createWriteStream(path.join(opts.logDir, `${opts.name}.log`), { flags: 'a' });
  const args = opts.entry
    ? ['--import', 'tsx', opts.entry]
    : [...nodeFlags(opts.name), path.join(ROOT, bundlePath(opts.name))];
  const proc: ServiceProcess = {
    name: opts.name,
    healthUrl: opts.healthUrl,
    child: null,
    peakRss: 0,
    restarts: -1,
    start() {
      const child = spawn(process.execPath, args, {
        cwd: ROOT,
        env: { ...(process.env as Record<string, string>), ...opts.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout!.pipe(logFile, { end: false });
      child.stderr!.pipe(logFile, { end: false });
      proc.child = child;
      proc.restarts++;
    },
    async kill(signal = 'SIGTERM') {
      const child = proc.child;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill(signal);
      await exited;
    },
    async ready() {
      try {
        const res = await fetch(proc.healthUrl, { signal: AbortSignal.timeout(2_000) });
        return res.status === 200;
      } catch {
        return false;
      }
    },
  };
  return proc;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); 0 if it is gone. */
export function cpuSecondsOf(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th, in clock ticks.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Samples every process's RSS until stopped; keeps the peak per process. */
export function sampleMemory(processes: ServiceProcess[], everyMs = 250): () => void {
  const timer = setInterval(() => {
    for (const p of processes) p.peakRss = Math.max(p.peakRss, rssOf(p.child?.pid));
  }, everyMs);
  return () => clearInterval(timer);
}

export async function waitUntil(
  what: string,
  fn: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
