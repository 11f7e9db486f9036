import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import { createRetention } from '../services/retention.js';

/** The first sweep runs this soon after start-up (or after one interval, if shorter). */
const FIRST_SWEEP_DELAY_MS = 30_000;

/**
 * The periodic retention sweep: every `RETENTION_SWEEP_MINUTES` (config.retentionSweepMs; 0 runs
 * none), the first one shortly after start-up. The next run is scheduled when one ends, so runs
 * never overlap; a failed run is logged and the next one tries again. The timer never keeps the
 * process alive, and closing the app stops it and waits for a sweep under way.
 */
const retentionPlugin: FastifyPluginAsync = async (app) => {
  const context = app.twofoldContext;
  const { db, config, now } = context;
  const retention = createRetention({
    db,
    config,
    now,
    log: app.log.child({ module: 'retention' }),
  });
  context.retention = retention;

  const every = config.retentionSweepMs;
  if (every <= 0) return;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const schedule = (delay: number) => {
    timer = setTimeout(() => {
      void retention.run().then(() => {
        if (!closed) schedule(every);
      });
    }, delay);
    timer.unref();
  };
  app.addHook('onReady', async () => schedule(Math.min(every, FIRST_SWEEP_DELAY_MS)));
  app.addHook('onClose', async () => {
    closed = true;
    clearTimeout(timer);
    await retention.settled();
  });
};

export default fp(retentionPlugin, {
  name: 'twofold-retention',
  dependencies: ['twofold-config', 'twofold-db'],
});
