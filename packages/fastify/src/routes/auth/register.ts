import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { and, eq, isNull } from 'drizzle-orm';
import { members, type User } from '@twofold/db';
import {
  AuthenticatedResponse,
  MfaSetupRequiredResponse,
  RegisterBody,
  ResendVerificationBody,
  VerificationRequiredResponse,
  VerifyCodeBody,
} from '@twofold/mfa-core';
import { appError, isUniqueViolation } from '../../errors.js';
import { hashPassword, passwordWeakness } from '../../services/passwords.js';
import { normalizeEmail } from '../../services/users.js';
import { codeTimes } from '../../services/email-codes.js';
import { VERIFICATION_FAILED_EVENT } from '../../services/throttle.js';

export const REGISTRATION_CODE_TTL_MS = 15 * 60_000;
/**
 * Registration codes mailed per account per hour (signing in unverified, resending): enough for
 * a person whose mail is slow, too few to use the account as a mail cannon or a code lottery.
 */
export const REGISTRATION_CODES_PER_HOUR = 5;

/**
 * Sign-up with an emailed code. An address that already has an account gets the very same
 * answer (and a pending cookie), but the code behind it is never sent: its owner is told by
 * email instead. So the answer never reveals whether an account exists.
 */
const registerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { templates } = app.twofoldContext;
  const {
    users: userService,
    challenges,
    emailCodes,
    securityEvents,
    notifications,
    throttle,
    cookieJar,
    db,
    config,
  } = app.twofoldContext;

  /**
   * A registration challenge with a fresh code. A decoy (a sign-up for an address that already
   * has an account) gets its own purpose: its code can never be entered, never be resent for
   * real, and never voids the owner's own pending code.
   */
  async function sendVerification(
    request: FastifyRequest,
    reply: FastifyReply,
    user: User,
    decoy: boolean,
  ) {
    const purpose = decoy ? 'registration_decoy' : 'registration';
    const { token, challenge } = await challenges.create(
      user.id,
      purpose,
      REGISTRATION_CODE_TTL_MS,
      request,
    );
    const issued = await emailCodes.issue({
      userId: user.id,
      email: user.email,
      purpose,
      challengeId: challenge.id,
      ttlMs: REGISTRATION_CODE_TTL_MS,
      force: true,
      decoy,
      message: (code) => templates.verifyEmail(code, REGISTRATION_CODE_TTL_MS / 60_000),
    });
    cookieJar.set(reply, 'pending', token, REGISTRATION_CODE_TTL_MS / 1000);
    return {
      status: 'verification_required' as const,
      ...codeTimes(issued),
    };
  }

  async function duplicate(request: FastifyRequest, reply: FastifyReply, existing: User) {
    // Mail first: if it fails, this answer must fail exactly as a new sign-up does (no cookie).
    // One notice an hour per address, and its timeline event with it: a script repeating the
    // sign-up must flood neither the owner's mailbox nor their timeline. The answer is the same.
    const noticed = await notifications.noticeOnce(
      existing.email,
      'registration_attempt',
      templates.registrationAttempt(`${config.appUrl}/sign-in`, `${config.appUrl}/forgot-password`),
    );
    const answer = await sendVerification(request, reply, existing, true);
    if (noticed) {
      await securityEvents.record({ type: 'registration.duplicate', userId: existing.id, request });
    }
    return answer;
  }

  app.post(
    '/register',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Create an account; a 6-digit code is emailed (valid 15 minutes)',
        body: RegisterBody,
        response: { 201: VerificationRequiredResponse },
      },
    },
    async (request, reply) => {
      const email = normalizeEmail(request.body.email);
      const weakness = passwordWeakness(request.body.password, email);
      if (weakness) throw appError('WEAK_PASSWORD', undefined, weakness);
      // Hash first on every path, so both answers take the same time.
      const passwordHash = await hashPassword(request.body.password);
      reply.code(201);

      const existing = await userService.findByEmail(email);
      if (existing) return duplicate(request, reply, existing);

      let user: User;
      try {
        user = await userService.create(email, passwordHash);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const raced = await userService.findByEmail(email);
        if (!raced) throw error;
        return duplicate(request, reply, raced);
      }
      try {
        const answer = await sendVerification(request, reply, user, false);
        await securityEvents.record({ type: 'user.registered', userId: user.id, request });
        return answer;
      } catch (error) {
        // No code reached the address: leave no account behind, so signing up again works.
        await db.delete(members).where(eq(members.id, user.id));
        throw error;
      }
    },
  );

  /** The user behind the pending cookie, with the open registration challenge. */
  async function pending(request: FastifyRequest) {
    const token = cookieJar.read(request, 'pending');
    const challenge = token
      ? await challenges.findOpen(token, ['registration', 'registration_decoy'])
      : undefined;
    if (!challenge) throw appError('VERIFICATION_NOT_PENDING');
    const user = await userService.findById(challenge.userId);
    if (!user) throw appError('VERIFICATION_NOT_PENDING');
    return { challenge, user };
  }

  app.post(
    '/register/verify',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Verify the emailed code; signs the new account in',
        description:
          'A wrong code is 400 INVALID_CODE with attemptsLeft (5 tries per code). Wrong codes are ' +
          'also counted per account across every code mailed: from the 5th in a row each try waits ' +
          '(429 VERIFICATION_LOCKED with retryAfter: 1 s, 2 s, 4 s ... up to 15 minutes), and after ' +
          '20 only a password reset (which verifies the address) starts the count again.',
        body: VerifyCodeBody,
        response: { 200: Type.Union([AuthenticatedResponse, MfaSetupRequiredResponse]) },
      },
    },
    async (request, reply) => {
      const { challenge, user } = await pending(request);
      const decoy = challenge.purpose === 'registration_decoy';
      // Counted per account across every code mailed, before the code is looked at: a fresh
      // code (a sign-in mails one) brings 5 tries, this budget of 20 does not start again.
      if (decoy) await throttle.reserveDecoyCode(user.id, challenge.id);
      else await throttle.reserveCode(user.id);
      try {
        await emailCodes.check({
          userId: user.id,
          purpose: decoy ? 'registration_decoy' : 'registration',
          challengeId: challenge.id,
          code: request.body.code,
        });
        // Unreachable (a decoy code cannot be typed), and refused all the same.
        if (decoy) throw appError('INVALID_CODE');
      } catch (error) {
        await securityEvents.record({
          type: VERIFICATION_FAILED_EVENT,
          userId: user.id,
          request,
          // A decoy's refusals are counted from these (see reserveDecoyCode).
          ...(decoy ? { metadata: { decoy: challenge.id } } : {}),
        });
        throw error;
      }
      const verifiedAt = app.twofoldContext.now();
      const done = await db.transaction(async (tx) => {
        if (!(await challenges.consume(challenge.id, tx))) return undefined;
        await tx
          .update(members)
          .set({ emailVerifiedAt: verifiedAt, updatedAt: verifiedAt })
          .where(and(eq(members.id, user.id), isNull(members.emailVerifiedAt)));
        await throttle.resetCode(user.id, tx);
        return { granted: await userService.grantListedAdmin(user, tx) };
      });
      if (!done) throw appError('VERIFICATION_NOT_PENDING');
      await securityEvents.record({ type: 'email.verified', userId: user.id, request });
      if (done.granted) {
        await securityEvents.record({
          type: 'role.granted',
          userId: user.id,
          request,
          metadata: { role: 'admin', via: 'ADMIN_EMAILS' },
        });
      }
      cookieJar.clear(reply, 'pending');
      const verified = {
        ...user,
        emailVerifiedAt: user.emailVerifiedAt ?? verifiedAt,
        role: done.granted ? 'admin' : user.role,
      };
      return app.twofoldContext.signIn.open(request, reply, verified, { aal: 1, amr: ['pwd'] });
    },
  );

  app.post(
    '/register/resend',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['auth'],
        summary:
          'Send a new code (allowed 60 seconds after the last one); the old code stops working',
        description:
          'At most 5 registration codes per account per hour (a sign-in of the unverified ' +
          'account mails one too); past it 429 TOO_MANY_CODES with retryAfter, and nothing is sent.',
        body: ResendVerificationBody,
        response: { 200: VerificationRequiredResponse },
      },
    },
    async (request) => {
      const { challenge, user } = await pending(request);
      const decoy = challenge.purpose === 'registration_decoy';
      const issued = await emailCodes.issue({
        userId: user.id,
        email: user.email,
        purpose: decoy ? 'registration_decoy' : 'registration',
        challengeId: challenge.id,
        ttlMs: REGISTRATION_CODE_TTL_MS,
        // A duplicate sign-up never sends its owner a code.
        decoy,
        hourlyLimit: { max: REGISTRATION_CODES_PER_HOUR, per: decoy ? 'challenge' : 'account' },
        message: (code) => templates.verifyEmail(code, REGISTRATION_CODE_TTL_MS / 60_000),
      });
      await securityEvents.record({ type: 'email.verification_sent', userId: user.id, request });
      return {
        status: 'verification_required' as const,
        ...codeTimes(issued),
      };
    },
  );
};

export default registerRoutes;
