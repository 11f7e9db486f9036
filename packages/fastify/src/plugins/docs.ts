import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

/**
 * OpenAPI 3 generated from the route schemas, browsable at <prefix>/docs (JSON at
 * <prefix>/docs/json). A host that has its own @fastify/swagger gets Twofold's routes, tagged, in
 * its own document instead (its swagger collects every route registered after it).
 */
const docsPlugin: FastifyPluginAsync = async (app) => {
  const { cookieJar, prefix } = app.twofoldContext;
  // Each route's `security` follows from its auth mode (closed unless 'public'), so the
  // document cannot disagree with what the auth hook enforces.
  app.addHook('onRoute', (route) => {
    const mode = route.config?.auth ?? 'session';
    if (mode === 'public' || !route.schema) return;
    route.schema = {
      ...route.schema,
      security: [mode === 'challenge' ? { challenge: [] } : { session: [] }],
    };
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Twofold API',
        version: '0.1.0',
        description:
          'Two-factor authentication with cookie sessions. Errors are `{code, message}` with a stable `code`.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: cookieJar.name('session') },
          challenge: { type: 'apiKey', in: 'cookie', name: cookieJar.name('challenge') },
        },
      },
    },
  });
  await app.register(async (docs) => {
    // The documentation is public; routes added in this scope opt out of the session check.
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, auth: 'public' };
    });
    await docs.register(swaggerUi, { routePrefix: `${prefix}/docs` });
  });
};

export default fp(docsPlugin, { name: 'twofold-docs', dependencies: ['twofold-cookies'] });
