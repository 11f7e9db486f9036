import type { TwofoldContext } from '../context.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Member, SignInAccount, SignInState } from '@twofold/db';
import { appError } from '../errors.js';
import type { StartSession } from './sessions.js';
import type {
  AuthMethodReference,
  AuthenticatedResponse,
  MfaRequiredResponse,
  MfaSetupRequiredResponse,
} from '@twofold/mfa-core';

/** A second-step challenge lives 5 minutes and opens only the second-step routes. */
export const CHALLENGE_TTL_MS = 5 * 60_000;

export type SignInAnswer = AuthenticatedResponse | MfaRequiredResponse | MfaSetupRequiredResponse;

/**
 * What happens once a password (or an emailed registration code) has been accepted: a session,
 * or the second step when MFA is on and this browser is not trusted, or an enroll-only session
 * when policy requires MFA and the grace period is over.
 */
export function createSignIn(context: TwofoldContext) {
  const {
    sessions,
    users,
    policy,
    factors,
    challenges,
    cookieJar,
    securityEvents,
    trustedDevices,
    secondFactor,
  } = context;

  /** What a new session will be: its assurance, and whether policy lets it only enroll. */
  async function prepare(
    user: Member,
    {
      aal,
      amr,
      mfaEnabled: known,
      policy: rule,
    }: {
      aal: 1 | 2;
      amr: AuthMethodReference[];
      mfaEnabled?: boolean;
      /** The rule of the user's role (null: none), when the caller read it already. */
      policy?: SignInAccount['policy'];
    },
  ) {
    // Callers that already know whether MFA is on pass it, saving a query on the sign-in path;
    // at aal 2 it is on by definition.
    const mfaEnabled = known ?? (aal === 2 || (await factors.active(user.id)).length > 0);
    // With MFA on, any policy is satisfied: nothing to read.
    const state =
      mfaEnabled || rule !== undefined
        ? policy.evaluate(rule, { createdAt: user.createdAt, mfaEnabled })
        : await policy.forUser({ role: user.role, createdAt: user.createdAt, mfaEnabled });
    const enforced = state.status === 'enforced';
    const session: StartSession = {
      userId: user.id,
      aal,
      amr,
      scope: enforced ? 'enroll_only' : 'full',
    };
    return { session, mfaEnabled, enforced, graceEndsAt: state.graceEndsAt };
  }
  type Prepared = Awaited<ReturnType<typeof prepare>>;

  /** The events a prepared sign-in records: written with its session, in the same statement. */
  const openingEvents = ({ session, enforced }: Prepared) => [
    { type: 'login.succeeded' as const, metadata: { aal: session.aal, amr: session.amr } },
    ...(enforced ? [{ type: 'mfa.setup_required' as const, metadata: {} }] : []),
  ];

  /** The answer to a sign-in whose session (and events) were written. */
  function answer(
    user: Member,
    prepared: Prepared,
  ): AuthenticatedResponse | MfaSetupRequiredResponse {
    const { mfaEnabled, enforced, graceEndsAt } = prepared;
    const publicUser = users.toPublic(user, mfaEnabled);
    if (enforced) {
      return {
        status: 'mfa_setup_required',
        user: publicUser,
        graceEndedAt: (graceEndsAt ?? context.now()).toISOString(),
      };
    }
    return { status: 'authenticated', user: publicUser };
  }

  /** Opens a session; under an enforced policy without MFA it can only enroll. */
  async function open(
    request: FastifyRequest,
    reply: FastifyReply,
    user: Member,
    options: Parameters<typeof prepare>[1],
  ): Promise<AuthenticatedResponse | MfaSetupRequiredResponse> {
    const prepared = await prepare(user, options);
    await sessions.start(request, reply, prepared.session, openingEvents(prepared));
    return answer(user, prepared);
  }

  /** After a right password (or the app's own check): a session, or the second step. */
  async function afterPassword(
    request: FastifyRequest,
    reply: FastifyReply,
    account: SignInState,
  ): Promise<SignInAnswer> {
    const { user } = account;
    const methods = secondFactor.methodsOf(account);
    if (methods.length === 0) {
      return open(request, reply, user, {
        aal: 1,
        amr: ['pwd'],
        mfaEnabled: false,
        policy: account.policy,
      });
    }

    const device = await trustedDevices.recognise(request, user.id);
    if (device) {
      return open(request, reply, user, { aal: 2, amr: ['pwd', 'device'], mfaEnabled: true });
    }

    const { token, challenge } = await challenges.create(user.id, 'mfa', CHALLENGE_TTL_MS, request);
    cookieJar.set(reply, 'challenge', token, CHALLENGE_TTL_MS / 1000);
    await securityEvents.record({
      type: 'mfa.challenge_started',
      userId: user.id,
      request,
      metadata: { methods },
    });
    return { status: 'mfa_required', methods, expiresAt: challenge.expiresAt.toISOString() };
  }

  return {
    open,
    /**
     * `open` in parts, for callers that write the session in a statement of their own: what it
     * will be, the events to write with it, and the answer once it is written.
     */
    prepare,
    openingEvents,
    answer,

    /** After a right password on a verified account, read with `users.findForSignIn`. */
    afterPassword: (request: FastifyRequest, reply: FastifyReply, account: SignInAccount) =>
      afterPassword(request, reply, account),

    /**
     * The sign-in of an app with accounts of its own, after its own password check: the member
     * row follows what `options.users.findById` answers, then as `afterPassword`.
     */
    async forAppUser(
      request: FastifyRequest,
      reply: FastifyReply,
      userId: string,
    ): Promise<SignInAnswer> {
      const known = await users.syncFromApp(userId);
      const state = known && (await context.queries.signInMember.execute({ id: userId }));
      if (!state) throw appError('INVALID_CREDENTIALS', undefined, 'There is no such user.');
      return afterPassword(request, reply, state);
    },
  };
}
