import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * argon2id off the event loop and below it: each hash runs on a worker thread of its own whose
 * CPU priority is lowered (Linux keeps a nice value per thread). When sign-ins saturate the
 * CPU, request handling still gets the processor first, so session reads keep their latency;
 * when nothing else runs, the hashes get all of it. It also keeps 19 MiB hashes out of libuv's
 * small shared thread pool, which file and DNS work need.
 */

export interface Argon2Options {
  algorithm: number;
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/**
 * Nice value of the hashing threads (0 = the event loop's priority, 19 = the lowest). At 10 the
 * scheduler weighs the event loop about 9 to 1 against a hashing thread on a contested core;
 * at 19 the hashes were preempted so often that sign-ins ran slower with no gain in read latency
 * (bench/README.md).
 */
export const HASH_THREAD_NICE = 10;

// CommonJS, evaluated in each worker: plain JavaScript, so it runs the same from the sources,
// the build and the test runner.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
try { require('node:os').setPriority(workerData.nice); } catch {}
const argon2 = require(workerData.argon2);
parentPort.on('message', ({ op, password, hash, options }) => {
  try {
    const result = op === 'hash'
      ? argon2.hashSync(password, options)
      : argon2.verifySync(hash, password);
    parentPort.postMessage({ result });
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
});
`;

type Job =
  | { op: 'hash'; password: string; options: Argon2Options }
  | { op: 'verify'; password: string; hash: string };

interface Pending {
  job: Job;
  resolve: (value: string | boolean) => void;
  reject: (error: Error) => void;
}

export function createArgon2Pool({
  // Two per core: while the event loop hands a finished thread its next job, the other thread
  // on that core keeps hashing, so the cores never wait on the event loop.
  size = 2 * availableParallelism(),
  nice = HASH_THREAD_NICE,
}: { size?: number; nice?: number } = {}) {
  const argon2 = createRequire(import.meta.url).resolve('@node-rs/argon2');
  const idle: Worker[] = [];
  const queue: Pending[] = [];
  let workers = 0;

  function spawn(): Worker {
    workers++;
    return new Worker(WORKER_SOURCE, { eval: true, workerData: { argon2, nice } });
  }

  function run(worker: Worker, { job, resolve, reject }: Pending) {
    const settle = (outcome: () => void) => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      outcome();
    };
    const onMessage = (message: { result?: string | boolean; error?: string }) =>
      settle(() => {
        if (message.error !== undefined) reject(new Error(message.error));
        else resolve(message.result!);
        release(worker);
      });
    // A worker that died is replaced on the next job.
    const onError = (error: Error) =>
      settle(() => {
        workers--;
        reject(error);
        const next = queue.shift();
        if (next) run(spawn(), next);
      });
    worker.on('message', onMessage);
    worker.on('error', onError);
    // A thread keeps the process alive only while it is hashing.
    worker.ref();
    worker.postMessage(job);
  }

  function release(worker: Worker) {
    const next = queue.shift();
    if (next) return run(worker, next);
    worker.unref();
    idle.push(worker);
  }

  function submit<T extends string | boolean>(job: Job): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = { job, resolve: resolve as Pending['resolve'], reject };
      const worker = idle.pop() ?? (workers < size ? spawn() : undefined);
      if (worker) run(worker, pending);
      else queue.push(pending);
    });
  }

  return {
    hash: (password: string, options: Argon2Options) =>
      submit<string>({ op: 'hash', password, options }),
    verify: (hash: string, password: string) => submit<boolean>({ op: 'verify', password, hash }),
    /** Hashing threads started so far (at most `size`). */
    get threads() {
      return workers;
    },
  };
}
