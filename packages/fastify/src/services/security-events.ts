import type { TwofoldContext } from '../context.js';
import type { FastifyRequest } from 'fastify';
import { securityEvents } from '@twofold/db';
import type { SecurityEventType } from '@twofold/mfa-core';

// The list lives in mfa-core so clients can label every type; recording one not listed there
// does not compile.
export type { SecurityEventType };

export interface RecordEvent {
  type: SecurityEventType;
  userId: string | null;
  request?: FastifyRequest;
  actorId?: string;
  /** Never a code, a hash, a token or a secret. */
  metadata?: Record<string, unknown>;
}

export function createSecurityEvents(context: TwofoldContext) {
  return {
    async record({ type, userId, request, actorId, metadata = {} }: RecordEvent) {
      await context.db.insert(securityEvents).values({
        type,
        userId,
        actorId,
        ip: request?.ip ?? null,
        userAgent: request?.headers['user-agent']?.slice(0, 512) ?? null,
        metadata,
        createdAt: context.now(),
      });
    },
  };
}
