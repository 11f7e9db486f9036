import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'drizzle-orm';
import { mfaPolicy } from '@twofold/db';
import {
  DEFAULT_GRACE_DAYS,
  MfaPolicyBody,
  MfaPolicyResponse,
  type RolePolicyState,
  type UserRole,
} from '@twofold/mfa-core';
import { appError } from '../../errors.js';
import { sessionOf } from '../../plugins/auth.js';

const ROLES: UserRole[] = ['user', 'admin'];

/** Per-role MFA requirement with a grace period. A role without a row is not required. */
const policyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { policy, securityEvents, db } = app.twofoldContext;

  async function currentPolicy(): Promise<{ roles: RolePolicyState[] }> {
    const rules = await policy.rules();
    return {
      roles: ROLES.map((role) => {
        const rule = rules.get(role);
        return {
          role,
          required: rule?.required ?? false,
          graceDays: rule?.graceDays ?? DEFAULT_GRACE_DAYS,
          requiredSince: rule?.requiredSince?.toISOString() ?? null,
        };
      }),
    };
  }

  app.get(
    '/policy',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'The MFA policy of each role',
        response: { 200: MfaPolicyResponse },
      },
    },
    async () => currentPolicy(),
  );

  app.put(
    '/policy',
    {
      config: { auth: 'admin', stepUp: true },
      schema: {
        tags: ['admin'],
        summary: 'Set the MFA policy of one or both roles (step-up)',
        description:
          '`requiredSince` (the start of the grace period) is set when `required` is switched on, kept ' +
          'while it stays on, and cleared when it is switched off. Roles left out are unchanged.',
        body: MfaPolicyBody,
        response: { 200: MfaPolicyResponse },
      },
    },
    async (request) => {
      const admin = sessionOf(request);
      const { roles } = request.body;
      if (new Set(roles.map((rule) => rule.role)).size !== roles.length) {
        throw appError('VALIDATION_ERROR', undefined, 'Each role may appear only once.');
      }

      const now = app.twofoldContext.now();
      await db.transaction(async (tx) => {
        for (const { role, required, graceDays } of roles) {
          await tx
            .insert(mfaPolicy)
            .values({
              role,
              required,
              graceDays,
              requiredSince: required ? now : null,
              updatedAt: now,
              updatedBy: admin.userId,
            })
            .onConflictDoUpdate({
              target: mfaPolicy.role,
              set: {
                required: sql`excluded.required`,
                graceDays: sql`excluded.grace_days`,
                // Decided against the stored row in the same statement, so two admins saving at
                // once cannot restart a grace period that is already running.
                requiredSince: sql`case
                  when not excluded.required then null
                  when ${mfaPolicy.required} then coalesce(${mfaPolicy.requiredSince}, excluded.required_since)
                  else excluded.required_since end`,
                updatedAt: sql`excluded.updated_at`,
                updatedBy: sql`excluded.updated_by`,
              },
            });
        }
      });

      await securityEvents.record({
        type: 'mfa.policy_updated',
        userId: admin.userId,
        actorId: admin.userId,
        request,
        metadata: {
          roles: roles.map(({ role, required, graceDays }) => ({ role, required, graceDays })),
        },
      });
      return currentPolicy();
    },
  );
};

export default policyRoutes;
