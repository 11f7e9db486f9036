import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config/config.js';
import type { TwofoldContext } from '../context.js';

export interface ConfigPluginOptions {
  config: Config;
  prefix: string;
  now?: () => Date;
}

/** Starts Twofold's context with what the others stand on: the configuration and the clock. */
const configPlugin: FastifyPluginAsync<ConfigPluginOptions> = async (
  app,
  { config, prefix, now },
) => {
  // The rest is filled in by the plugins registered after this one (see context.ts).
  const context: Partial<TwofoldContext> = {
    config,
    prefix,
    now: now ?? (() => new Date()),
    log: app.log,
  };
  app.decorate('twofoldContext', context as TwofoldContext);
};

export default fp(configPlugin, { name: 'twofold-config' });
