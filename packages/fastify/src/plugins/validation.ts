import fp from 'fastify-plugin';
import { addRouteHook } from '../route-hooks.js';
import type { FastifyPluginAsync } from 'fastify';
import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

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
  // Answers are serialized from their JSON schemas, whatever compiler the host app set (a Zod
  // type provider's would fail on them): Fastify's own, in Twofold's scope.
  const serialize = SerializerSelector()({}, {});
  app.setSerializerCompiler((route) => serialize({ ...route, httpStatus: route.httpStatus ?? '' }));
  // JSON only, whatever parsers the host added (form bodies, multipart, text/plain): those are
  // what a cross-site form can send without a preflight.
  app.removeAllContentTypeParsers();
  // JSON is UTF-8 (RFC 8259). Decoding leniently would turn invalid bytes into U+FFFD, so two
  // different byte strings (say, Latin-1 passwords) would become the same value: refuse them.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      done(new SyntaxError('The request body is not valid UTF-8.'), undefined);
      return;
    }
    parseJson(request, text, done);
  });
  // Routes whose body is an empty object also accept no body at all (curl -X POST).
  app.addHook('onRoute', (route) => {
    if (!route.schema?.body) return;
    addRouteHook(route, 'preValidation', async (request) => {
      if (request.body === undefined) request.body = {};
    });
  });
};

export default fp(validationPlugin, { name: 'twofold-validation' });
