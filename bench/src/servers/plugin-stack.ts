/**
 * Twofold's whole plugin stack (config, errors, validation, database, cookies and JWT, mail,
 * services, CSRF, rate limits, auth modes, docs) in front of a route that does nothing: what
 * the stack costs per request before any route's own work. Production configuration, logging
 * off, the bench's PostgreSQL.
 */
import { buildApp, loadConfig } from '@twofold/api';
import { listenAndServe } from './listen.js';

const config = loadConfig(process.env, { log: () => {} });
const app = await buildApp({
  config,
  extend(host) {
    // At /api/auth/noop (extend's paths are under /api) so the per-IP auth rate limit applies too; 'public' runs the auth hook
    // without requiring a session.
    host.get('/auth/noop', { config: { auth: 'public' } }, async () => ({ ok: true }));
  },
});
await listenAndServe(app);
