import type { TwofoldContext } from '../context.js';
import type { FastifyInstance } from 'fastify';

/**
 * Work a request starts but does not wait for (forgot-password answers before it looks the
 * address up, so its timing reveals nothing). Each task is tracked: a failure is logged (the
 * error only, never the task's data), `context.close()` waits for what is still running, and tests
 * await `idle()`.
 */
export function createBackground(context: TwofoldContext, instance: FastifyInstance) {
  const running = new Set<Promise<void>>();

  async function idle(): Promise<void> {
    // Tasks may start tasks; wait until none is left.
    while (running.size > 0) await Promise.allSettled([...running]);
  }

  // Registered after the database and mail plugins, so it runs before they close theirs.
  instance.addHook('onClose', idle);

  return {
    run(name: string, task: () => Promise<void>): void {
      // Started on the next turn of the event loop, after the answer is on its way.
      const tracked: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
        .then(task)
        .catch((error: unknown) => {
          context.log.error({ err: error, task: name }, 'background task failed');
        })
        .finally(() => running.delete(tracked));
      running.add(tracked);
    },
    idle,
  };
}
