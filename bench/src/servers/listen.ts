import type { FastifyInstance } from 'fastify';

/** Listens on HOST:PORT from the environment and closes on SIGTERM/SIGINT. */
export async function listenAndServe(
  app: Pick<FastifyInstance, 'listen' | 'close'>,
  onClose: () => Promise<void> = async () => {},
) {
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    const force = setTimeout(() => process.exit(1), 5_000);
    force.unref();
    app
      .close()
      .then(onClose)
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 0) });
}
