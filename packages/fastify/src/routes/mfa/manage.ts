import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import {
  BackupCodesResponse,
  DeviceIdParams,
  DisableMfaBody,
  EmptyBody,
  FactorIdParams,
  MfaStatusResponse,
  OkResponse,
  TrustedDevicesResponse,
} from '@twofold/mfa-core';
import type { TrustedDevice } from '@twofold/db';
import { appError } from '../../errors.js';
import { sessionOf } from '../../plugins/auth.js';
import { FACTOR_LABELS } from '../../services/factors.js';
import type { ResolvedSession } from '../../services/sessions.js';

/**
 * How recent a re-authentication must be for turning MFA off without a code in the body: much
 * shorter than the 15-minute step-up window, so a session left open after an identity check
 * still needs a current code to drop the second factor.
 */
export const IDENTITY_FRESH_MS = 5 * 60_000;

/** MFA status, removal, backup codes and trusted browsers. Removal and regeneration need step-up. */
const manageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { templates } = app.twofoldContext;
  const {
    db,
    factors,
    backupCodes,
    trustedDevices,
    sessions,
    securityEvents,
    notifications,
    policy,
    secondFactor,
  } = app.twofoldContext;

  const deviceContract = (request: FastifyRequest) => {
    const current = trustedDevices.currentTokenHash(request);
    return (device: TrustedDevice) => ({
      id: device.id,
      label: device.label,
      createdAt: device.createdAt.toISOString(),
      lastUsedAt: device.lastUsedAt?.toISOString() ?? null,
      expiresAt: device.expiresAt.toISOString(),
      current: device.tokenHash === current,
    });
  };

  /** Refuses to leave the account without MFA while its role requires it. */
  async function refuseIfRequired(session: ResolvedSession, action: 'remove' | 'disable') {
    const state = policy.evaluate(session.policy, {
      createdAt: session.userCreatedAt,
      mfaEnabled: true,
    });
    if (state.required) {
      throw appError(
        'FORBIDDEN',
        undefined,
        action === 'remove'
          ? 'Your organisation requires two-factor authentication: add another method before removing this one.'
          : 'Your organisation requires two-factor authentication, so it cannot be turned off.',
      );
    }
  }

  /**
   * Turning MFA off takes a current code on top of step-up, unless this session confirmed its
   * identity (password and a current factor) in the last IDENTITY_FRESH_MS, or this request's
   * X-TOTP-Code header proved step-up: that code was spent a moment ago, and asking for another
   * would make a person wait for the next 30-second code (or type a third one).
   */
  function identityJustConfirmed(session: ResolvedSession): boolean {
    const at = session.reauthenticatedAt;
    return at !== null && app.twofoldContext.now().getTime() - at.getTime() < IDENTITY_FRESH_MS;
  }

  /** Turns MFA off: factors, backup codes and trusted browsers go; other sessions end. */
  async function turnOff(request: FastifyRequest, session: ResolvedSession) {
    await db.transaction((tx) => factors.removeAll(session.userId, tx));
    await sessions.revokeAll(session.userId, session.id);
    await securityEvents.record({ type: 'mfa.disabled', userId: session.userId, request });
    await notifications.notify(session.email, templates.mfaDisabled());
  }

  app.get(
    '/',
    {
      config: { auth: 'enroll' },
      schema: {
        tags: ['mfa'],
        summary: 'MFA status: factors, backup codes left, trusted browsers, policy',
        response: { 200: MfaStatusResponse },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const [all, remaining, devices] = await Promise.all([
        factors.list(session.userId),
        backupCodes.remaining(session.userId),
        trustedDevices.list(session.userId),
      ]);
      const enabled = all.some((factor) => factor.status === 'active');
      const state = policy.evaluate(session.policy, {
        createdAt: session.userCreatedAt,
        mfaEnabled: enabled,
      });
      return {
        enabled,
        factors: all.map((factor) => factors.toContract(factor)),
        backupCodesRemaining: enabled ? remaining : 0,
        trustedDevices: devices.map(deviceContract(request)),
        policy: {
          required: state.required,
          status: state.status,
          graceEndsAt: state.graceEndsAt?.toISOString() ?? null,
        },
      };
    },
  );

  app.delete(
    '/factors/:id',
    {
      config: { stepUp: true },
      schema: {
        tags: ['mfa'],
        summary: 'Remove a factor (step-up); removing the last one turns MFA off',
        description:
          'Removing the only active method turns MFA off and asks what POST /api/mfa/disable ' +
          'asks: within 5 minutes of POST /api/auth/reauthenticate, or with X-TOTP-Code on this ' +
          'request; otherwise 403 CODE_REQUIRED (turn MFA off with a code through /disable).',
        params: FactorIdParams,
        response: { 200: OkResponse },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const all = await factors.list(session.userId);
      const factor = all.find((f) => f.id === request.params.id);
      if (!factor) throw appError('FACTOR_NOT_FOUND');
      const othersActive = all.filter((f) => f.status === 'active' && f.id !== factor.id);
      if (factor.status === 'active' && othersActive.length === 0) {
        await refuseIfRequired(session, 'remove');
        // Removing the only method turns MFA off, so it asks what POST /disable asks: without
        // a fresh identity check or X-TOTP-Code on this request, a current code (which only
        // /disable takes), so a session whose step-up window is merely open cannot do it.
        if (!request.twofoldStepUpByHeader && !identityJustConfirmed(session)) {
          throw appError(
            'CODE_REQUIRED',
            undefined,
            `Removing your only method turns two-factor authentication off: confirm with a current code (POST ${app.twofoldContext.prefix}/mfa/disable).`,
          );
        }
        await turnOff(request, session);
        return { status: 'ok' as const };
      }
      await factors.remove(session.userId, factor.id);
      if (factor.status === 'active') {
        await sessions.revokeAll(session.userId, session.id);
        const label = FACTOR_LABELS[factor.type === 'email' ? 'email' : 'totp'];
        await securityEvents.record({
          type: 'mfa.factor_removed',
          userId: session.userId,
          request,
          metadata: { factorId: factor.id, type: factor.type },
        });
        await notifications.notify(session.email, templates.factorRemoved(label));
      }
      return { status: 'ok' as const };
    },
  );

  app.post(
    '/disable',
    {
      config: { stepUp: true },
      schema: {
        tags: ['mfa'],
        summary: 'Turn MFA off (step-up, plus a current code)',
        description:
          'The body code may be left out within 5 minutes of POST /api/auth/reauthenticate or ' +
          'when X-TOTP-Code proves step-up on this request; otherwise 403 CODE_REQUIRED.',
        body: DisableMfaBody,
        response: { 200: OkResponse },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      if ((await factors.active(session.userId)).length === 0) throw appError('MFA_NOT_ENABLED');
      await refuseIfRequired(session, 'disable');
      const user = { id: session.userId, email: session.email };
      const { method, code } = request.body;
      if (method && code) {
        await secondFactor.verify({ user, method, code, purpose: 'step_up', request });
      } else if (!request.twofoldStepUpByHeader && !identityJustConfirmed(session)) {
        throw appError('CODE_REQUIRED');
      }
      await turnOff(request, session);
      return { status: 'ok' as const };
    },
  );

  app.post(
    '/backup-codes',
    {
      config: { stepUp: true },
      schema: {
        tags: ['mfa'],
        summary: 'Create a new set of 10 backup codes (step-up); the old codes stop working',
        body: EmptyBody,
        response: { 201: BackupCodesResponse },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      if ((await factors.active(session.userId)).length === 0) throw appError('MFA_NOT_ENABLED');
      const codes = await db.transaction((tx) => backupCodes.replace(session.userId, tx));
      await securityEvents.record({
        type: 'mfa.backup_codes_regenerated',
        userId: session.userId,
        request,
      });
      await notifications.notify(session.email, templates.backupCodesRegenerated());
      reply.code(201);
      return { backupCodes: codes };
    },
  );

  app.get(
    '/trusted-devices',
    {
      schema: {
        tags: ['mfa'],
        summary: 'Browsers that skip the second step',
        response: { 200: TrustedDevicesResponse },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      return { devices: (await trustedDevices.list(session.userId)).map(deviceContract(request)) };
    },
  );

  app.delete(
    '/trusted-devices/:id',
    {
      schema: {
        tags: ['mfa'],
        summary: 'Forget one trusted browser',
        params: DeviceIdParams,
        response: { 200: OkResponse },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      if (!(await trustedDevices.revoke(session.userId, request.params.id)))
        throw appError('NOT_FOUND');
      await securityEvents.record({
        type: 'device.revoked',
        userId: session.userId,
        request,
        metadata: { deviceId: request.params.id },
      });
      return { status: 'ok' as const };
    },
  );

  app.delete(
    '/trusted-devices',
    {
      schema: {
        tags: ['mfa'],
        summary: 'Forget every trusted browser',
        response: { 200: OkResponse },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const count = await trustedDevices.revokeAll(session.userId);
      await securityEvents.record({
        type: 'device.revoked',
        userId: session.userId,
        request,
        metadata: { count },
      });
      return { status: 'ok' as const };
    },
  );
};

export default manageRoutes;
