import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import path from 'node:path';
import { createDbClient, createQueries, type DbClient, type PostgresClient } from '@twofold/db';

export interface DbPluginOptions {
  /**
   * A client owned by the caller (tests share one across apps), or the app's own postgres.js
   * client; otherwise one is opened here from DATABASE_URL (or embedded PGlite).
   */
  client?: DbClient | PostgresClient;
}

const dbPlugin: FastifyPluginAsync<DbPluginOptions> = async (app, options) => {
  const context = app.twofoldContext;
  const { config } = context;
  let owned = false;
  // A postgres.js client is a function; a DbClient an object. Either way the app owns it.
  let client =
    typeof options.client === 'function'
      ? await createDbClient({ postgres: options.client })
      : options.client;
  if (!client) {
    owned = true;
    const dataDir = config.databaseUrl ? undefined : path.join(config.dataDir, 'pglite');
    client = await createDbClient({
      url: config.databaseUrl,
      dataDir,
      maxConnections: config.databasePoolSize,
    });
    app.log.info(
      config.databaseUrl ? 'database: PostgreSQL' : `database: embedded PGlite in ${dataDir}`,
    );
  }
  const opened = client;
  context.dbClient = opened;
  context.db = client.db;
  context.queries = createQueries(client.db);
  if (owned) app.addHook('onClose', async () => opened.close());
};

export default fp(dbPlugin, { name: 'twofold-db', dependencies: ['twofold-config'] });
