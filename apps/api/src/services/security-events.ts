import type { FastifyInstance, FastifyRequest } from 'fastify';
import { securityEvents } from '@twofold/db';

export type SecurityEventType =
  | 'user.registered'
  | 'registration.duplicate'
  | 'email.verification_sent'
  | 'email.verified'
  | 'email.verification_failed'
  | 'login.succeeded'
  | 'login.failed'
  | 'login.unverified'
  | 'logout'
  | 'password.reset_requested'
  | 'password.reset'
  | 'password.reset_failed'
  | 'password.changed'
  | 'email.change_requested'
  | 'email.change_failed'
  | 'email.change_duplicate'
  | 'email.changed'
  | 'mfa.challenge_started'
  | 'mfa.verified'
  | 'mfa.failed'
  | 'mfa.totp_replay'
  | 'mfa.backup_code_used'
  | 'mfa.backup_codes_regenerated'
  | 'mfa.enabled'
  | 'mfa.disabled'
  | 'mfa.factor_added'
  | 'mfa.factor_removed'
  | 'mfa.email_code_sent'
  | 'mfa.admin_reset'
  | 'mfa.policy_updated'
  | 'mfa.setup_required'
  | 'device.trusted'
  | 'device.revoked'
  | 'session.revoked'
  | 'step_up.succeeded'
  | 'step_up.failed'
  | 'role.granted'
  | 'role.revoked';

export interface RecordEvent {
  type: SecurityEventType;
  userId: string | null;
  request?: FastifyRequest;
  actorId?: string;
  /** Never a code, a hash, a token or a secret. */
  metadata?: Record<string, unknown>;
}

export function createSecurityEvents(app: FastifyInstance) {
  return {
    async record({ type, userId, request, actorId, metadata = {} }: RecordEvent) {
      await app.db.insert(securityEvents).values({
        type,
        userId,
        actorId,
        ip: request?.ip ?? null,
        userAgent: request?.headers['user-agent']?.slice(0, 512) ?? null,
        metadata,
        createdAt: app.now(),
      });
    },
  };
}
