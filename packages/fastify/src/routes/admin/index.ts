import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import policyRoutes from './policy.js';
import userRoutes from './users.js';

/**
 * Administration. Every route here is for admins only: the hook below makes 'admin' the
 * default, so a route added later cannot forget it.
 */
const adminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, auth: 'admin' };
  });
  await app.register(policyRoutes);
  await app.register(userRoutes);
};

export default adminRoutes;
