/**
 * `GET /api/auth/session` written by hand on bare Fastify with postgres.js: the floor a
 * framework-based session read can be compared with. It does what the API does: reads the
 * session cookie, verifies its HS256 JWT with the first SESSION_SECRETS key, hashes the token,
 * loads the session with its user, active-factor flag and role policy in ONE prepared query,
 * refuses revoked, expired and idle sessions, refreshes last_seen_at at most once a minute,
 * and answers the same JSON (serialised with the same response schema).
 */
import { createHash } from 'node:crypto';
import Fastify from 'fastify';
import postgres from 'postgres';
import { evaluateMfaPolicy, DEFAULT_GRACE_DAYS } from '@twofold/mfa-core';
import { SessionResponse } from '@twofold/mfa-core/contracts';
import { readCookie, SESSION_COOKIE } from '../lib/cookies.js';
import { verifyCookieJwt } from '../lib/jwt.js';
import { listenAndServe } from './listen.js';

const secret = (process.env.SESSION_SECRETS ?? '').split(',')[0]?.trim();
const poolSize = Number(process.env.DATABASE_POOL_SIZE);
if (!secret || !process.env.DATABASE_URL || !(poolSize >= 1)) {
  throw new Error('raw-session: SESSION_SECRETS, DATABASE_URL and DATABASE_POOL_SIZE are required');
}
const idleMs = Number(process.env.SESSION_IDLE_MINUTES || 30) * 60_000;
/** As the API: lastSeenAt is written at most this often. */
const TOUCH_INTERVAL_MS = 60_000;

// The API's pool size (the bench passes the same DATABASE_POOL_SIZE to both), prepared statements on.
const sql = postgres(process.env.DATABASE_URL, {
  max: poolSize,
  prepare: true,
  onnotice: () => {},
});

interface Row {
  id: string;
  user_id: string;
  aal: number;
  amr: string[];
  scope: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  reauthenticated_at: Date | null;
  revoked_at: Date | null;
  email: string;
  role: string;
  email_verified_at: Date | null;
  user_created_at: Date;
  mfa_enabled: boolean;
  policy_required: boolean | null;
  policy_grace_days: number | null;
  policy_required_since: Date | null;
}

const unauthenticated = { code: 'UNAUTHENTICATED', message: 'Please sign in to continue.' };
const ErrorBody = {
  type: 'object',
  properties: { code: { type: 'string' }, message: { type: 'string' } },
} as const;

const app = Fastify({ logger: false });
app.get('/', async () => ({ ok: true }));
app.get(
  '/api/auth/session',
  { schema: { response: { 200: SessionResponse, 401: ErrorBody } } },
  async (request, reply) => {
    const value = readCookie(request.headers.cookie, SESSION_COOKIE);
    const payload = value && value.length <= 2048 ? verifyCookieJwt(value, secret) : null;
    if (!payload || payload.typ !== 'session') return reply.code(401).send(unauthenticated);
    const tokenHash = createHash('sha256').update(payload.tok, 'utf8').digest('hex');
    const [row] = await sql<Row[]>`
    select s.id, s.user_id, s.aal, s.amr, s.scope, s.created_at, s.last_seen_at, s.expires_at,
           s.reauthenticated_at, s.revoked_at,
           u.email, u.role, u.email_verified_at, u.created_at as user_created_at,
           exists (select 1 from twofold.mfa_factors f where f.user_id = s.user_id and f.status = 'active') as mfa_enabled,
           p.required as policy_required, p.grace_days as policy_grace_days,
           p.required_since as policy_required_since
    from twofold.sessions s
    join twofold.members u on u.id = s.user_id
    left join twofold.mfa_policy p on p.role = u.role
    where s.token_hash = ${tokenHash}
    limit 1`;
    const now = Date.now();
    if (
      !row ||
      row.revoked_at ||
      row.expires_at.getTime() <= now ||
      row.last_seen_at.getTime() + idleMs <= now
    ) {
      return reply.code(401).send(unauthenticated);
    }
    if (now - row.last_seen_at.getTime() >= TOUCH_INTERVAL_MS) {
      await sql`update twofold.sessions set last_seen_at = ${new Date(now)} where id = ${row.id}`;
    }
    const policy = evaluateMfaPolicy({
      policy: {
        required: row.policy_required ?? false,
        graceDays: row.policy_grace_days ?? DEFAULT_GRACE_DAYS,
        requiredSince: row.policy_required_since,
      },
      userCreatedAt: row.user_created_at,
      mfaEnabled: row.mfa_enabled,
      now,
    });
    return {
      user: {
        id: row.user_id,
        email: row.email,
        role: row.role === 'admin' ? 'admin' : 'user',
        emailVerified: row.email_verified_at !== null,
        mfaEnabled: row.mfa_enabled,
        mfaGraceEndsAt:
          policy.status === 'grace' ? (policy.graceEndsAt?.toISOString() ?? null) : null,
      },
      session: {
        id: row.id,
        aal: row.aal === 2 ? 2 : 1,
        amr: row.amr,
        scope: row.scope === 'enroll_only' ? 'enroll_only' : 'full',
        createdAt: row.created_at.toISOString(),
        reauthenticatedAt: row.reauthenticated_at?.toISOString() ?? null,
      },
    };
  },
);
await listenAndServe(app, () => sql.end({ timeout: 5 }));
