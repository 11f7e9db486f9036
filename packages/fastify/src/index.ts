// @twofold/fastify: two-factor authentication as a plugin of a Fastify 5 app.
export { default, default as twofold, DEFAULT_PREFIX } from './plugin.js';
export type { TwofoldApi, TwofoldOptions } from './plugin.js';
export type { TwofoldSession, TwofoldUser, TwofoldUsers } from './public-types.js';
export type { SignInAnswer } from './services/sign-in.js';
export {
  ConfigError,
  ephemeralSecretEnv,
  loadConfig,
  RATE_LIMIT_AUTH_MAX_CEILING,
  type Config,
  type LoadConfigOptions,
} from './config/config.js';
