export { createDbClient, defaultPoolSize, migrateDatabase, migrationsFolder } from './client.js';
export { bridgeLegacyLayout, legacyMigrationsFolder } from './legacy.js';
export type {
  Database,
  DbClient,
  DbClientOptions,
  PostgresClient,
  Schema,
  Transaction,
} from './client.js';
export { asBoolean, createQueries, rowsOf } from './queries.js';
export { userColumns } from './queries.js';
export type {
  PreparedQuery,
  Queries,
  SessionWithUser,
  SignInAccount,
  SignInState,
  User,
} from './queries.js';
export * from './schema/index.js';
export { lockUser } from './lock-user.js';
export { openSession } from './open-session.js';
export type { NewSession, OpeningEvent, SessionOpening } from './open-session.js';
export { reserveAttempt, spendSecondFactor } from './second-factor.js';
export { reserveCodeAttempt, resetCodeAttempts } from './mailbox-code.js';
export type {
  CodeClaim,
  SecondStepSignIn,
  SpendInput,
  SpendResult,
  ThrottleRules,
} from './second-factor.js';
export {
  DEFAULT_RETENTION_BATCH,
  deleteDeadBatch,
  RETENTION_DEFAULTS,
  RETENTION_KINDS,
  RETENTION_LOCK_KEY,
  sweepDeadRows,
} from './retention.js';
export type { RetentionCounts, RetentionKind, RetentionRules, SweepResult } from './retention.js';
