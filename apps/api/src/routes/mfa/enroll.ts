import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { and, eq } from 'drizzle-orm';
import QRCode from 'qrcode';
import { mfaFactors, type MfaFactor } from '@twofold/db';
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
import { templates } from '../../mail/templates.js';
import { sessionOf } from '../../plugins/auth.js';
import { codeTimes } from '../../services/email-codes.js';

export const TOTP_ISSUER = 'Twofold';
export const ENROLL_CODE_TTL_MS = 10 * 60_000;

/**
 * Enrollment of TOTP and email factors. An enroll-only session (policy requires MFA) may use
 * these. A retried wizard gets the same pending TOTP secret, not a new one.
 */
const enrollRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, secretBox, secondFactor, enrollment, emailCodes } = app;

  async function factorOf(userId: string, type: 'totp' | 'email', status: 'pending' | 'active') {
    const [factor] = await db
      .select()
      .from(mfaFactors)
      .where(
        and(
          eq(mfaFactors.userId, userId),
          eq(mfaFactors.type, type),
          eq(mfaFactors.status, status),
        ),
      );
    return factor;
  }

  /** The pending factor of that type, created if there is none (one pending per type, by index). */
  async function pendingFactor(
    userId: string,
    type: 'totp' | 'email',
    create: () => Partial<MfaFactor>,
  ) {
    if (await factorOf(userId, type, 'active')) throw appError('FACTOR_ALREADY_ACTIVE');
    const existing = await factorOf(userId, type, 'pending');
    if (existing) return existing;
    const [created] = await db
      .insert(mfaFactors)
      .values({ userId, type, status: 'pending', createdAt: app.now(), ...create() })
      .onConflictDoNothing()
      .returning();
    return created ?? (await factorOf(userId, type, 'pending'))!;
  }

  app.post(
    '/totp',
    {
      config: { auth: 'enroll' },
      schema: {
        tags: ['mfa'],
        summary:
          'Start authenticator-app enrollment: the secret, its otpauth:// URI and a QR code (PNG data URL)',
        body: EmptyBody,
        response: { 201: TotpEnrollResponse },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      const factor = await pendingFactor(session.userId, 'totp', () => {
        const sealed = secretBox.seal(generateTotpSecret());
        return { secretCiphertext: sealed.ciphertext, secretKeyId: sealed.keyId };
      });
      const secret = secretBox.open({
        keyId: factor.secretKeyId!,
        ciphertext: factor.secretCiphertext!,
      });
      const otpauthUri = buildOtpauthUri({
        secret,
        issuer: TOTP_ISSUER,
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
      config: { auth: 'enroll' },
      schema: {
        tags: ['mfa'],
        summary:
          'Confirm the authenticator app with a current code; the first factor also returns 10 backup codes',
        body: TotpConfirmBody,
        response: { 200: FactorConfirmResponse },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      if (await factorOf(session.userId, 'totp', 'active')) throw appError('FACTOR_ALREADY_ACTIVE');
      const factor = await factorOf(session.userId, 'totp', 'pending');
      if (!factor)
        throw appError('FACTOR_NOT_FOUND', undefined, 'Start authenticator-app setup first.');
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
      config: { auth: 'enroll' },
      schema: {
        tags: ['mfa'],
        summary:
          'Start email-code enrollment: a code is sent to the account address (valid 10 minutes)',
        body: EmptyBody,
        response: { 201: EmailFactorStartResponse },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      const factor = await pendingFactor(session.userId, 'email', () => ({}));
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
      config: { auth: 'enroll' },
      schema: {
        tags: ['mfa'],
        summary:
          'Confirm email codes with the emailed code; the first factor also returns 10 backup codes',
        body: EmailFactorConfirmBody,
        response: { 200: FactorConfirmResponse },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      if (await factorOf(session.userId, 'email', 'active'))
        throw appError('FACTOR_ALREADY_ACTIVE');
      const factor = await factorOf(session.userId, 'email', 'pending');
      if (!factor) throw appError('FACTOR_NOT_FOUND', undefined, 'Start email-code setup first.');
      await emailCodes.check({
        userId: session.userId,
        purpose: 'enroll',
        code: request.body.code,
      });
      return enrollment.complete(request, session, factor, async (tx) => {
        const now = app.now();
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
