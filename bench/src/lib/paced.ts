import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { LoadResult, LoadSpec } from './load-spec.js';
import { createRotation } from './rotation.js';
import { summarize } from './stats.js';

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Open-loop load at a fixed rate, spread evenly over time (request i is due at i / rate
 * seconds), at most `connections` in flight on keep-alive sockets. Latency counts from the
 * moment a request was due, so time spent waiting for a free socket is not hidden
 * (no coordinated omission). autocannon's own rate limit sends each connection's quota for a
 * second in one burst at the start of that second, which is not a steady half load.
 */
export async function runPaced(spec: LoadSpec): Promise<LoadResult> {
  const rate = spec.rate ?? 0;
  if (!(rate > 0)) throw new Error('paced load needs a positive rate');
  const url = new URL(spec.path, spec.origin);
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
  const rotation = createRotation(spec.rotation);
  const total = Math.floor(rate * spec.durationS);
  const intervalMs = 1000 / rate;

  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;
  let answered = 0;
  let sent = 0;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const finishOne = () => {
    inFlight -= 1;
    if (inFlight === 0 && sent === total) drained?.();
  };

  const send = (dueAt: number) => {
    const next = rotation.next();
    const body = next.body ?? spec.body;
    const headers: Record<string, string> = { ...spec.headers, ...next.headers };
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    sent += 1;
    inFlight += 1;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      finishOne();
    };
    const request = http.request(
      url,
      { method: spec.method, agent, headers, timeout: REQUEST_TIMEOUT_MS },
      (response) => {
        response.resume();
        response.on('end', () =>
          settle(() => {
            answered += 1;
            const status = response.statusCode ?? 0;
            statusCodes[status] = (statusCodes[status] ?? 0) + 1;
            if (status >= 200 && status < 300) {
              ok += 1;
              latencies.push(performance.now() - dueAt);
            } else {
              non2xx += 1;
            }
          }),
        );
        response.on('error', () => settle(() => (errors += 1)));
      },
    );
    request.on('timeout', () => {
      settle(() => (timeouts += 1));
      request.destroy();
    });
    request.on('error', () => settle(() => (errors += 1)));
    request.end(body);
  };

  const started = performance.now();
  await new Promise<void>((resolve) => {
    let due = 0;
    const tick = () => {
      const now = performance.now();
      while (due < total && started + due * intervalMs <= now) {
        send(started + due * intervalMs);
        due += 1;
      }
      if (due < total) {
        setTimeout(tick, Math.max(0, started + due * intervalMs - performance.now()));
      } else {
        resolve();
      }
    };
    tick();
  });
  const scheduledMs = performance.now() - started;
  if (inFlight > 0) {
    await new Promise<void>((resolve) => {
      drained = resolve;
      setTimeout(resolve, REQUEST_TIMEOUT_MS + 1_000);
    });
  }
  agent.destroy();

  const durationS = Math.max(spec.durationS, scheduledMs / 1000);
  const summary = summarize(latencies);
  return {
    reqPerSec: answered / durationS,
    p50Ms: summary.count ? summary.p50 : null,
    p99Ms: summary.count ? summary.p99 : null,
    requests: answered,
    sent,
    ok,
    non2xx,
    errors,
    timeouts,
    statusCodes,
    durationS,
  };
}
