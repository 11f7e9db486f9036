import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import path from 'node:path';
import { createDbClient, createQueries, type DbClient } from '@twofold/db';

export interface DbPluginOptions {
  /** A client owned by the caller (tests share one across apps); otherwise one is opened here. */
  client?: DbClient;
}

const dbPlugin: FastifyPluginAsync<DbPluginOptions> = async (app, { client }) => {
  const context = app.twofoldContext;
  const { config } = context;
  let owned = false;
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
  context.dbClient = client;
  context.db = client.db;
  context.queries = createQueries(client.db);
  if (owned) app.addHook('onClose', async () => client.close());
};

export default fp(dbPlugin, { name: 'twofold-db', dependencies: ['twofold-config'] });
