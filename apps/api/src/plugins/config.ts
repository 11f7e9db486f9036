import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config/config.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    /** The clock every service reads; tests replace it (or fake timers drive Date). */
    now: () => Date;
  }
}

export interface ConfigPluginOptions {
  config: Config;
  now?: () => Date;
}

const configPlugin: FastifyPluginAsync<ConfigPluginOptions> = async (app, { config, now }) => {
  app.decorate('config', config);
  app.decorate('now', now ?? (() => new Date()));
};

export default fp(configPlugin, { name: 'config' });
