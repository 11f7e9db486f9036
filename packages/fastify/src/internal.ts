// What the standalone product (apps/api) and its tests use beyond the public API. Not part of
// the package's public API: it may change in any release.
export { contextOf } from './registry.js';
export type { TwofoldContext } from './context.js';
export { default as errorsPlugin, notFound } from './plugins/errors.js';
export { default as headersPlugin, answerHeaders } from './plugins/headers.js';
export { serializeRequest } from './log-redaction.js';
export { ARGON2_OPTIONS } from './services/passwords.js';
export { createRetention } from './services/retention.js';
export { normalizeEmail } from './services/users.js';
export { LIMITS } from './limits.js';
export { argon2Pool, hashPassword, passwordWeakness } from './services/passwords.js';
export { createArgon2Pool, HASH_THREAD_NICE } from './services/argon2-pool.js';
export { templates } from './mail/templates.js';
export { NOTICE_COOLDOWN_MS } from './services/notifications.js';
export { PENDING_FACTOR_TTL_MS } from './services/factors.js';
export { isUniqueViolation } from './errors.js';
export { redactUrl } from './log-redaction.js';
export type { RetentionLog } from './services/retention.js';
export { FIRST_FACTOR_GRACE_MS, STEP_UP_WINDOW_MS } from './plugins/auth.js';
