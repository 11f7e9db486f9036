/**
 * The ceiling for password sign-in: @node-rs/argon2 `verify` calls kept `concurrency` in flight
 * in a bare Node process (same binary and flags as the API), nothing else. Driven over IPC:
 * a warm-up, then the measured window.
 */
import { performance } from 'node:perf_hooks';
import { verify } from '@node-rs/argon2';
import { summarize } from './lib/stats.js';

export interface Argon2LoopRequest {
  type: 'run';
  hash: string;
  password: string;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
}

export type Argon2LoopMessage =
  | { type: 'ready' }
  | { type: 'measuring' }
  | {
      type: 'result';
      verifies: number;
      failures: number;
      perSecond: number;
      p50Ms: number | null;
      p99Ms: number | null;
      durationS: number;
    }
  | { type: 'error'; message: string };

const send = (message: Argon2LoopMessage) => process.send?.(message);

async function run({ hash, password, concurrency, warmupMs, durationMs }: Argon2LoopRequest) {
  const warmupEnds = performance.now() + warmupMs;
  let measureStart = Number.POSITIVE_INFINITY;
  let measureEnd = Number.POSITIVE_INFINITY;
  const latencies: number[] = [];
  let failures = 0;

  const lane = async () => {
    for (;;) {
      const started = performance.now();
      if (started >= measureEnd) return;
      const ok = await verify(hash, password).catch(() => false);
      const finished = performance.now();
      // Counted when it finishes inside the measured window, like a response in autocannon.
      if (finished >= measureStart && finished < measureEnd) {
        if (ok) latencies.push(finished - started);
        else failures += 1;
      }
    }
  };
  const lanes = Array.from({ length: concurrency }, lane);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, warmupEnds - performance.now())));
  measureStart = performance.now();
  measureEnd = measureStart + durationMs;
  send({ type: 'measuring' });
  await Promise.all(lanes);
  const durationS = durationMs / 1000;
  const summary = summarize(latencies);
  send({
    type: 'result',
    verifies: latencies.length,
    failures,
    perSecond: latencies.length / durationS,
    p50Ms: summary.count ? summary.p50 : null,
    p99Ms: summary.count ? summary.p99 : null,
    durationS,
  });
}

process.on('message', (message: Argon2LoopRequest) => {
  if (message.type !== 'run') return;
  run(message).catch((error: unknown) =>
    send({ type: 'error', message: (error as Error).stack ?? String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
