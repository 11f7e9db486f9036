import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import type { TwofoldContext } from '../context.js';

export interface ConfigPluginOptions {
  /** Started by the plugin's entry with the configuration, prefix, clock and logger. */
  context: TwofoldContext;
}

/**
 * Hangs Twofold's context on its scope, for the plugins registered after this one to fill in
 * (see context.ts) and the routes to read.
 */
const configPlugin: FastifyPluginAsync<ConfigPluginOptions> = async (app, { context }) => {
  app.decorate('twofoldContext', context);
};

export default fp(configPlugin, { name: 'twofold-config' });
