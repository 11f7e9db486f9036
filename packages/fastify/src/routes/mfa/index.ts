import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import enrollRoutes from './enroll.js';
import manageRoutes from './manage.js';

const mfaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(enrollRoutes);
  await app.register(manageRoutes);
};

export default mfaRoutes;
