import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { and, eq } from 'drizzle-orm';
import QRCode from 'qrcode';
import { mfaFactors } from '@twofold/db';
import {
  buildOtpauthUri,
  EmailFactorConfirmBody,
  EmailFactorStartResponse,
  EmptyBody,
  FactorConfirmResponse,
  generateTotpSecret,
  TotpConfirmBody,
  TotpEnrollResponse,
} from '@twofold/mfa-core';
import { appError } from '../../errors.js';
import { sessionOf } from '../../plugins/auth.js';
import { codeTimes } from '../../services/email-codes.js';
import { PENDING_FACTOR_TTL_MS } from '../../services/factors.js';

/** The emailed enrollment code lives as long as the pending factor it confirms. */
export const ENROLL_CODE_TTL_MS = PENDING_FACTOR_TTL_MS;

const ADD_FACTOR_RULES =
  'Step-up: a re-authentication newer than 15 minutes, or `X-TOTP-Code` of an active ' +
  "authenticator app; the account's first factor may be added without it within 10 minutes of " +
  'signing in. A pending factor lives 10 minutes and belongs to the session that started it: ' +
  'a retry from that session gets it back, a start from another session replaces it.';

/**
 * Enrollment of TOTP and email factors. An enroll-only session (policy requires MFA) may use
 * these. Adding a factor is a step-up action, checked at the start and again at the
 * confirmation: a re-authentication newer than 15 minutes, or X-TOTP-Code of an authenticator
 * app that is already active. Only the account's first factor may be added without it, from a
 * session whose password was proved minutes ago (FIRST_FACTOR_GRACE_MS), so setting MFA up
 * right after signing in stays one step while a stolen older cookie cannot add a factor of its
 * own and then pass step-up with it. A pending factor belongs to the session that started it
 * and expires (see the enrollment service).
 */
const enrollRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { templates } = app.twofoldContext;
  const { secretBox, secondFactor, enrollment, emailCodes } = app.twofoldContext;

  app.post(
    '/totp',
    {
      config: { auth: 'enroll', stepUp: 'add_factor' },
      schema: {
        tags: ['mfa'],
        summary:
          'Start authenticator-app enrollment: the secret, its otpauth:// URI and a QR code (PNG data URL)',
        description: ADD_FACTOR_RULES,
        body: EmptyBody,
        response: { 201: TotpEnrollResponse },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      const factor = await enrollment.start(session, 'totp', () => {
        const sealed = secretBox.seal(generateTotpSecret());
        return { secretCiphertext: sealed.ciphertext, secretKeyId: sealed.keyId };
      });
      const secret = secretBox.open({
        keyId: factor.secretKeyId!,
        ciphertext: factor.secretCiphertext!,
      });
      const otpauthUri = buildOtpauthUri({
        secret,
        issuer: app.twofoldContext.config.appName,
        accountName: session.email,
      });
      const qrCode = await QRCode.toDataURL(otpauthUri, {
        errorCorrectionLevel: 'M',
        margin: 2,
        width: 240,
      });
      reply.code(201);
      return { factorId: factor.id, secret, otpauthUri, qrCode };
    },
  );

  app.post(
    '/totp/confirm',
    {
      config: { auth: 'enroll', stepUp: 'add_factor' },
      schema: {
        tags: ['mfa'],
        summary:
          'Confirm the authenticator app with a current code; the first factor also returns 10 backup codes',
        description: ADD_FACTOR_RULES,
        body: TotpConfirmBody,
        response: { 200: FactorConfirmResponse },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const factor = await enrollment.pending(session, 'totp');
      return enrollment.complete(request, session, factor, async (tx) => {
        const outcome = await secondFactor.claimTotp(factor, request.body.code, {
          activate: true,
          tx,
        });
        if (outcome === 'invalid') {
          throw appError(
            'INVALID_CODE',
            undefined,
            'That code did not match. Check that the phone clock is set automatically.',
          );
        }
        if (outcome === 'replay') throw appError('CODE_ALREADY_USED');
      });
    },
  );

  app.post(
    '/email',
    {
      config: { auth: 'enroll', stepUp: 'add_factor' },
      schema: {
        tags: ['mfa'],
        summary:
          'Start email-code enrollment: a code is sent to the account address (valid 10 minutes)',
        description: ADD_FACTOR_RULES,
        body: EmptyBody,
        response: { 201: EmailFactorStartResponse },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      const factor = await enrollment.start(session, 'email', () => ({}));
      const issued = await emailCodes.issue({
        userId: session.userId,
        email: session.email,
        purpose: 'enroll',
        ttlMs: ENROLL_CODE_TTL_MS,
        message: (code) => templates.enrollCode(code, ENROLL_CODE_TTL_MS / 60_000),
      });
      reply.code(201);
      return {
        factorId: factor.id,
        status: 'sent' as const,
        ...codeTimes(issued),
      };
    },
  );

  app.post(
    '/email/confirm',
    {
      config: { auth: 'enroll', stepUp: 'add_factor' },
      schema: {
        tags: ['mfa'],
        summary:
          'Confirm email codes with the emailed code; the first factor also returns 10 backup codes',
        description: ADD_FACTOR_RULES,
        body: EmailFactorConfirmBody,
        response: { 200: FactorConfirmResponse },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const factor = await enrollment.pending(session, 'email');
      await emailCodes.check({
        userId: session.userId,
        purpose: 'enroll',
        code: request.body.code,
      });
      return enrollment.complete(request, session, factor, async (tx) => {
        const now = app.twofoldContext.now();
        const activated = await tx
          .update(mfaFactors)
          .set({ status: 'active', confirmedAt: now, lastUsedAt: now })
          .where(and(eq(mfaFactors.id, factor.id), eq(mfaFactors.status, 'pending')))
          .returning({ id: mfaFactors.id });
        if (activated.length !== 1) throw appError('FACTOR_NOT_FOUND');
      });
    },
  );
};

export default enrollRoutes;
