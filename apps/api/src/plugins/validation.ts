import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';

function createAjv(options: Options) {
  const ajv = new Ajv({
    useDefaults: true,
    removeAdditional: false,
    allErrors: false,
    strict: false,
    ...options,
  });
  addFormats.default(ajv);
  return ajv;
}

/**
 * Bodies are JSON and must already have the right types: `{ "password": 12345678 }` is a 400,
 * not a number quietly turned into a string. Query strings and params are text by nature, so
 * they are coerced. Unknown body properties are refused rather than silently dropped.
 */
const validationPlugin: FastifyPluginAsync = async (app) => {
  const strict = createAjv({ coerceTypes: false });
  const coercing = createAjv({ coerceTypes: 'array' });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? strict : coercing).compile(schema),
  );
  // JSON only: a text/plain body is what a cross-site form can send without a preflight.
  app.removeContentTypeParser('text/plain');
  // Routes whose body is an empty object also accept no body at all (curl -X POST).
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.routeOptions.schema?.body) request.body = {};
  });
};

export default fp(validationPlugin, { name: 'validation' });
