import { ConfigError } from '@twofold/fastify';
import { buildShop } from './app.js';

/** Starts the shop on loopback: HOST (127.0.0.1) and PORT (3000). */
async function main() {
  const host = process.env.HOST || '127.0.0.1';
  const port = Number(process.env.PORT || 3000);
  // Links in Twofold's mails and its CSRF check use APP_URL: the shop's own address by default.
  // APP_NAME is what authenticator apps and Twofold's mails call the shop.
  const env = { APP_URL: `http://localhost:${port}`, APP_NAME: 'Tea Shop', ...process.env };
  let app;
  try {
    app = await buildShop({ env, logger: true });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`shop: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const stop = (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await app.listen({ host, port });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
