/**
 * A load generator in a process of its own, so two loads running at once (the isolation
 * scenario) do not share an event loop and skew each other's latencies.
 */
import { runClosed } from './lib/closed.js';
import type { FromWorker, ToWorker } from './lib/load-spec.js';
import { runPaced } from './lib/paced.js';

const send = (message: FromWorker) => process.send?.(message);

process.on('message', (message: ToWorker) => {
  if (message.type !== 'run') return;
  const run = message.spec.mode === 'paced' ? runPaced : runClosed;
  run(message.spec).then(
    (result) => send({ type: 'result', result }),
    (error: unknown) => send({ type: 'error', message: (error as Error).stack ?? String(error) }),
  );
});
// The bench went away: nothing left to report to.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
