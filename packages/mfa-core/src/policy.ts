/**
 * Policy math: whether a user must have MFA yet. Pure functions over plain values; the API
 * loads the role policy and the user, and passes the current time in.
 */

export type MfaPolicyStatus = 'not_required' | 'satisfied' | 'grace' | 'enforced';

export const DEFAULT_GRACE_DAYS = 7;
export const MAX_GRACE_DAYS = 365;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The policy row for the user's role. */
export interface RoleMfaPolicy {
  required: boolean;
  graceDays: number;
  /** When `required` was last switched on; null when it never was. */
  requiredSince: Date | null;
}

export interface EvaluateMfaPolicyInput {
  policy: RoleMfaPolicy;
  userCreatedAt: Date;
  mfaEnabled: boolean;
  /** Milliseconds since the Unix epoch. */
  now: number;
}

export interface MfaPolicyEvaluation {
  status: MfaPolicyStatus;
  /** When the grace period ends (or ended) for a user still without MFA; null otherwise. */
  graceEndsAt: Date | null;
}

/**
 * - not_required: the role does not require MFA.
 * - satisfied: required and the user has MFA.
 * - grace: required, no MFA yet, grace period still running: sign-in works, with a nudge.
 * - enforced: required, no MFA, grace over: sign-in yields a session that can only enroll.
 *
 * The grace period counts from the later of `requiredSince` and the account's creation, so
 * people who sign up after the rule was introduced get the full grace period too.
 */
export function evaluateMfaPolicy(input: EvaluateMfaPolicyInput): MfaPolicyEvaluation {
  const { policy, userCreatedAt, mfaEnabled, now } = input;
  if (!policy.required) return { status: 'not_required', graceEndsAt: null };
  if (mfaEnabled) return { status: 'satisfied', graceEndsAt: null };

  const graceDays = Math.min(Math.max(0, Math.floor(policy.graceDays)), MAX_GRACE_DAYS);
  const since = policy.requiredSince?.getTime() ?? userCreatedAt.getTime();
  const start = Math.max(since, userCreatedAt.getTime());
  const graceEndsAt = new Date(start + graceDays * DAY_MS);
  return { status: now < graceEndsAt.getTime() ? 'grace' : 'enforced', graceEndsAt };
}
