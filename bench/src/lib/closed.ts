import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './load-spec.js';
import { createRotation } from './rotation.js';

/** Closed-loop load with autocannon: `connections` keep-alive connections, one request in flight each. */
export async function runClosed(spec: LoadSpec): Promise<LoadResult> {
  const rotation = createRotation(spec.rotation);
  const options: autocannon.Options = {
    url: new URL(spec.path, spec.origin).toString(),
    method: spec.method,
    connections: spec.connections,
    ...(spec.amount ? { amount: spec.amount } : { duration: spec.durationS }),
    timeout: 10,
    headers: spec.headers,
    body: spec.body,
  };
  if (spec.rotation) {
    options.requests = [
      {
        setupRequest: (request) => {
          const next = rotation.next();
          request.headers = { ...request.headers, ...next.headers };
          if (next.body !== undefined) request.body = next.body;
          return request;
        },
      },
    ];
  }
  const result = await autocannon(options);
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
    statusCodes[code] = stat.count ?? 0;
  }
  const ok = result['2xx'];
  return {
    reqPerSec: result.duration > 0 ? result.requests.total / result.duration : 0,
    // autocannon records latencies of 2xx answers only, in whole milliseconds.
    p50Ms: ok > 0 ? result.latency.p50 : null,
    p99Ms: ok > 0 ? result.latency.p99 : null,
    requests: result.requests.total,
    sent: result.requests.sent,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    durationS: result.duration,
    ...(spec.rotation?.kind === 'totp' && { exhausted: rotation.exhausted, used: rotation.used }),
  };
}
