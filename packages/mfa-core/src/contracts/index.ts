// Request/response contracts only: safe to import from the browser (TypeBox, no node:*).
export * from './common.js';
export * from './errors.js';
export * from './auth.js';
export * from './account.js';
export * from './mfa.js';
export * from './sessions.js';
export * from './security.js';
export * from './security-event-types.js';
export * from './admin.js';
export * from './ops.js';
export * from './dev.js';
