import { pgSchema } from 'drizzle-orm/pg-core';

/**
 * Every table of Twofold lives in its own PostgreSQL schema, apart from the host app's tables
 * (which Twofold never creates, alters or reads), with its migration history beside them in
 * `twofold.__drizzle_migrations`.
 */
export const twofold = pgSchema('twofold');
