import { buildApp } from './app.js';
import { ConfigError } from '@twofold/fastify';
import { loadConfig } from './config.js';
import { contextOf } from '@twofold/fastify/internal';

/** Owns process concerns only: configuration, listening and graceful shutdown. */
async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`twofold: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }

  const app = await buildApp({ config });
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    // Node closes only the keep-alive connections idle when close() starts; those busy with an
    // in-flight request go idle once it is answered and would hold the close until their
    // keep-alive timeout. Reap them as they go idle.
    const reap = setInterval(() => app.server.closeIdleConnections(), 50);
    reap.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  await app.listen({ host: config.host, port: config.port });
  if (contextOf(app).mailer.kind === 'outbox') {
    app.log.info(
      `dev outbox: mail is kept in the database; read it at ${config.appUrl}/dev/mailbox`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
