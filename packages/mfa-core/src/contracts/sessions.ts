import { Type, type Static } from 'typebox';
import { AssuranceLevel, Nullable, Timestamp, Uuid } from './common.js';

/** Contracts of /api/sessions. */

export const ActiveSession = Type.Object(
  {
    id: Uuid,
    current: Type.Boolean({ description: 'True for the session making this request' }),
    aal: AssuranceLevel,
    amr: Type.Array(Type.String()),
    ip: Nullable(Type.String()),
    userAgent: Nullable(Type.String()),
    createdAt: Timestamp,
    lastSeenAt: Timestamp,
    expiresAt: Timestamp,
  },
  { title: 'ActiveSession' },
);
export type ActiveSession = Static<typeof ActiveSession>;

export const SessionListResponse = Type.Object(
  { sessions: Type.Array(ActiveSession) },
  { title: 'SessionListResponse' },
);
export type SessionListResponse = Static<typeof SessionListResponse>;

export const SessionIdParams = Type.Object({ id: Uuid });
export type SessionIdParams = Static<typeof SessionIdParams>;

export const RevokeSessionsResponse = Type.Object(
  { revoked: Type.Integer({ minimum: 0, description: 'Number of sessions ended' }) },
  { title: 'RevokeSessionsResponse' },
);
export type RevokeSessionsResponse = Static<typeof RevokeSessionsResponse>;
