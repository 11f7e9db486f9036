/** What a load worker runs, as plain data (it crosses a process boundary). */

/** How each request differs from the one before. */
export type Rotation =
  /** Round-robin over `Cookie` header values. */
  | { kind: 'cookies'; cookies: string[] }
  /** Each (challenge cookie, TOTP secret) pair once, with the code for the current time. */
  | { kind: 'totp'; pairs: { cookie: string; secret: string }[] }
  /** Round-robin over JSON bodies. */
  | { kind: 'bodies'; bodies: string[] };

export interface LoadSpec {
  /** Closed loop (autocannon: each connection sends its next request when the answer arrives) or a fixed rate. */
  mode: 'closed' | 'paced';
  /** Origin of the server, e.g. `http://127.0.0.1:41234`. */
  origin: string;
  method: 'GET' | 'POST';
  path: string;
  /** Connections (closed) or the most requests in flight at once (paced). */
  connections: number;
  durationS: number;
  /**
   * Closed only: stop after this many requests instead of after `durationS`. Each connection
   * sends its share and waits for the last answer, so no request is cut off in flight.
   */
  amount?: number;
  /** Paced only: requests per second, spread evenly over each second. */
  rate?: number;
  headers?: Record<string, string>;
  body?: string;
  rotation?: Rotation;
}

export interface LoadResult {
  /** Completed requests per second over the run. */
  reqPerSec: number;
  /** Latency of 2xx answers, milliseconds. Paced runs count from the moment a request was due. */
  p50Ms: number | null;
  p99Ms: number | null;
  /** Requests answered. */
  requests: number;
  /** Requests written to the server (answered or still in flight at the end). */
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  durationS: number;
  /** TOTP rotation: every pair was used and requests had to repeat one. */
  exhausted?: boolean;
  /** TOTP rotation: pairs handed out. */
  used?: number;
}

/** Messages between the bench and a load worker. */
export type ToWorker = { type: 'run'; spec: LoadSpec };
export type FromWorker =
  { type: 'ready' } | { type: 'result'; result: LoadResult } | { type: 'error'; message: string };
