import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseVmRssKiB } from './stats.js';

/** Variables the bench sets per child; never inherited from the shell that runs it. */
const OWNED = [
  'NODE_ENV',
  'HOST',
  'PORT',
  'DATA_DIR',
  'DATABASE_URL',
  'SMTP_URL',
  'REDIS_URL',
  'APP_URL',
  'LOG_LEVEL',
  'SESSION_SECRETS',
  'CODE_HMAC_KEY',
  'ENCRYPTION_KEYS',
  'TRUST_PROXY',
  'RATE_LIMIT_AUTH_MAX',
  'WEB_DIST_DIR',
];

/** The bench's environment without the variables it decides itself. */
export function baseEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !OWNED.includes(entry[0]),
    ),
  );
}

type Cleanup = () => Promise<void> | void;
const cleanups: { name: string; fn: Cleanup }[] = [];
let stopping = false;

/** After an interruption nothing new may start: scenarios still running fail fast instead. */
export function stopStarting() {
  stopping = true;
}

function refuseWhenStopping(what: string) {
  if (stopping) throw new Error(`interrupted: not starting ${what}`);
}

/** Registers work for `runCleanups`; returns a function that runs it early (once). */
export function onCleanup(name: string, fn: Cleanup): () => Promise<void> {
  const entry = { name, fn };
  cleanups.push(entry);
  if (stopping) void runCleanups();
  return async () => {
    const index = cleanups.indexOf(entry);
    if (index === -1) return;
    cleanups.splice(index, 1);
    await fn();
  };
}

let running: Promise<void> | undefined;

/**
 * Everything still registered, newest first; failures are reported, never thrown. Callers at
 * the same time (an interruption and the normal end) share one pass.
 */
export function runCleanups(): Promise<void> {
  running ??= (async () => {
    while (cleanups.length > 0) {
      const { name, fn } = cleanups.pop()!;
      try {
        await fn();
      } catch (error) {
        console.error(`bench: cleaning up ${name} failed: ${(error as Error).message}`);
      }
    }
  })().finally(() => {
    running = undefined;
  });
  return running;
}

export interface Child {
  name: string;
  child: ChildProcess;
  pid: number;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * A Node child with the bench's own binary and flags (`process.execPath`, `process.execArgv`),
 * killed by `runCleanups` if still running.
 */
export function spawnNode(
  name: string,
  script: string,
  env: Record<string, string>,
  options: { ipc?: boolean; cwd?: string } = {},
): Child {
  refuseWhenStopping(name);
  const spawnOptions: SpawnOptions = {
    cwd: options.cwd,
    env,
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  };
  const child = spawn(process.execPath, [...process.execArgv, script], spawnOptions);
  return track(name, child);
}

export { refuseWhenStopping };

export function track(name: string, child: ChildProcess): Child {
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const stop = async (graceMs = 5_000) => {
    if (alive()) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => alive() && child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    await forget();
  };
  const forget = onCleanup(name, () => stop(2_000));
  return { name, child, pid: child.pid!, output: () => output, exited, alive, stop };
}

/** Polls `url` until it answers 200; fails with the child's output if it exits or times out. */
export async function waitForHttp(url: string, child: Child | undefined, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && !child.alive()) {
      throw new Error(`${child.name} exited during start-up:\n${child.output().slice(-4000)}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${url}${child ? `:\n${child.output().slice(-4000)}` : ''}`,
      );
    }
    await sleep(100);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function rssKiB(pid: number): number | null {
  try {
    return parseVmRssKiB(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return null;
  }
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** User plus system CPU seconds used so far by `pid` (all its threads), or null. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return null;
  }
}

/** CPU use of `pid` from now until `stop()`, in percent of one core. */
export function sampleCpu(pid: number) {
  const startCpu = cpuSeconds(pid);
  const startWall = performance.now();
  return {
    stop(): number | null {
      const endCpu = cpuSeconds(pid);
      const wall = (performance.now() - startWall) / 1000;
      if (startCpu === null || endCpu === null || wall <= 0) return null;
      return ((endCpu - startCpu) / wall) * 100;
    },
  };
}

/** CPU seconds the whole machine spent busy (all cores, every process), from /proc/stat. */
export function machineBusySeconds(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const [user, nice, system, , , irq, softirq, steal] = line
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return (
      ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) /
      USER_HZ
    );
  } catch {
    return null;
  }
}

/** Busy CPU of the whole machine from now until `stop()`, in percent of one core. */
export function sampleMachineCpu() {
  const start = machineBusySeconds();
  const startWall = performance.now();
  return {
    stop(): number | null {
      const end = machineBusySeconds();
      const wall = (performance.now() - startWall) / 1000;
      if (start === null || end === null || wall <= 0) return null;
      return ((end - start) / wall) * 100;
    },
  };
}

/** CPU use of `root` and all its descendants (e.g. a PostgreSQL server and its backends). */
export function sampleTreeCpu(root: number) {
  const tree = () => [root, ...descendants(root)];
  const start = new Map(tree().map((pid) => [pid, cpuSeconds(pid) ?? 0]));
  const startWall = performance.now();
  return {
    stop(): number | null {
      const wall = (performance.now() - startWall) / 1000;
      if (wall <= 0) return null;
      let used = 0;
      for (const pid of tree()) used += (cpuSeconds(pid) ?? 0) - (start.get(pid) ?? 0);
      return (used / wall) * 100;
    },
  };
}

/** The PostgreSQL postmaster listening on `port`, found by its command line. */
export function findPostmaster(port: number): number | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (!args[0]?.endsWith('/postgres')) continue;
      const flag = args.indexOf('-p');
      if (flag !== -1 && args[flag + 1] === String(port)) return Number(entry);
    } catch {
      // exited meanwhile
    }
  }
  return null;
}

/** Samples VmRSS of `pid` every 250 ms; `stop()` returns the largest, in MiB. */
export function sampleRss(pid: number, intervalMs = 250) {
  let max: number | null = null;
  const sample = () => {
    const value = rssKiB(pid);
    if (value !== null && (max === null || value > max)) max = value;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop(): number | null {
      clearInterval(timer);
      sample();
      return max === null ? null : max / 1024;
    },
  };
}

/** Every live descendant of `pid` (children, grandchildren...), from /proc. */
export function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name (2nd field) is in parentheses and may contain spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = parents.get(ppid) ?? [];
      list.push(Number(entry));
      parents.set(ppid, list);
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of parents.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers signal 0 until its parent reaps it.
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

function signal(pid: number, sig: NodeJS.Signals) {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/**
 * Ends a detached process group and every process that descends from its leader (tools like
 * turbo put their tasks in process groups of their own). Returns the pids still alive at the
 * end, which should be none.
 */
export async function killTree(leader: number, graceMs = 5_000): Promise<number[]> {
  const pids = [leader, ...descendants(leader)];
  signal(-leader, 'SIGTERM');
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    // Children started during shutdown are caught too.
    for (const pid of descendants(leader)) if (!pids.includes(pid)) pids.push(pid);
    if (!pids.some(isAlive)) return [];
    await sleep(100);
  }
  signal(-leader, 'SIGKILL');
  for (const pid of pids) signal(pid, 'SIGKILL');
  await sleep(300);
  return pids.filter(isAlive);
}
