// The API as a library: build the app inside another process (a host application, the bench).
export { buildApp, type BuildAppOptions } from './app.js';
export { ConfigError, ephemeralSecretEnv, RATE_LIMIT_AUTH_MAX_CEILING } from '@twofold/fastify';
export { loadConfig } from './config.js';
/** The argon2id settings password hashes are made with (OWASP's recommendation). */
export { ARGON2_OPTIONS } from '@twofold/fastify/internal';
