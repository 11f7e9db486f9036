import { existsSync } from 'node:fs';
import path from 'node:path';
import { RATE_LIMIT_AUTH_MAX_CEILING } from '@twofold/api';
import { freePort } from '@twofold/db/postgres-server';
import type { BenchContext } from './context.js';
import { benchScript, repoRoot } from './paths.js';
import { baseEnv, spawnNode, waitForHttp, type Child } from './processes.js';

export interface Server {
  origin: string;
  port: number;
  pid: number;
  child: Child;
  stop(): Promise<void>;
}

async function start(
  name: string,
  script: string,
  env: Record<string, string>,
  readyPath: string,
  port?: number,
): Promise<Server> {
  if (!existsSync(script)) throw new Error(`${script} is missing: build first (bash bench/run)`);
  port ??= await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child = spawnNode(name, script, {
    ...baseEnv(),
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    ...env,
    PORT: String(port),
  });
  try {
    await waitForHttp(`${origin}${readyPath}`, child);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { origin, port, pid: child.pid, child, stop: () => child.stop() };
}

/** Environment of a production API (or the plugin stack) against the bench's services. */
function apiEnv(ctx: BenchContext, port?: number): Record<string, string> {
  return {
    LOG_LEVEL: 'silent',
    DATA_DIR: ctx.tempDir('api'),
    DATABASE_URL: ctx.databaseUrl,
    SMTP_URL: ctx.smtpUrl,
    DATABASE_POOL_SIZE: String(ctx.settings.poolSize),
    // The plugin stack's rounds alone can pass a million a minute on a fast machine, and a 429
    // is not the answer being measured.
    RATE_LIMIT_AUTH_MAX: String(RATE_LIMIT_AUTH_MAX_CEILING),
    ...(port && { APP_URL: `http://127.0.0.1:${port}` }),
    ...ctx.secrets,
  };
}

export const startBare = () => start('bare Fastify', benchScript('servers/bare.js'), {}, '/');

export const startPluginStack = (ctx: BenchContext) =>
  start('plugin stack', benchScript('servers/plugin-stack.js'), apiEnv(ctx), '/api/health');

export const startRawSession = (ctx: BenchContext) =>
  start(
    'raw session route',
    benchScript('servers/raw-session.js'),
    {
      DATABASE_URL: ctx.databaseUrl,
      DATABASE_POOL_SIZE: String(ctx.settings.poolSize),
      SESSION_SECRETS: ctx.secrets.SESSION_SECRETS!,
    },
    '/',
  );

/** The real API, `apps/api/dist/server.js`, in production mode with logging off. */
export async function startApi(ctx: BenchContext): Promise<Server> {
  const script = path.join(repoRoot, 'apps/api/dist/server.js');
  // APP_URL is the API's own origin: the SPA it serves in production lives there.
  const port = await freePort();
  return start('API', script, apiEnv(ctx, port), '/api/health', port);
}
