import type { TwofoldContext } from '../context.js';
import { mfaPolicy, type MfaPolicy } from '@twofold/db';
import { DEFAULT_GRACE_DAYS, evaluateMfaPolicy } from '@twofold/mfa-core';

export type PolicyStatus = ReturnType<typeof evaluateMfaPolicy>['status'];

export interface PolicyState {
  required: boolean;
  status: PolicyStatus;
  graceEndsAt: Date | null;
}

export type InitialPolicy = Partial<
  Record<'user' | 'admin', { required: boolean; graceDays?: number }>
>;

/** Which roles must use MFA, with a grace period; a role without a row is not required. */
export function createPolicy(context: TwofoldContext) {
  const { db } = context;

  const rules = async (): Promise<Map<string, MfaPolicy>> =>
    new Map((await db.select().from(mfaPolicy)).map((row) => [row.role, row]));

  const evaluate = (
    rule: Pick<MfaPolicy, 'required' | 'graceDays' | 'requiredSince'> | null | undefined,
    user: { createdAt: Date; mfaEnabled: boolean },
  ): PolicyState => {
    const policy = {
      required: rule?.required ?? false,
      graceDays: rule?.graceDays ?? DEFAULT_GRACE_DAYS,
      requiredSince: rule?.requiredSince ?? null,
    };
    const { status, graceEndsAt } = evaluateMfaPolicy({
      policy,
      userCreatedAt: user.createdAt,
      mfaEnabled: user.mfaEnabled,
      now: context.now().getTime(),
    });
    return { required: policy.required, status, graceEndsAt };
  };

  return {
    rules,
    evaluate,
    /**
     * The app's initial policy (`policy` option): written for a role without a row only, so what
     * an admin set later is never overwritten at the next start.
     */
    async seed(initial: InitialPolicy): Promise<void> {
      const now = context.now();
      const rows = Object.entries(initial).map(([role, rule]) => ({
        role,
        required: rule.required,
        graceDays: rule.graceDays ?? DEFAULT_GRACE_DAYS,
        requiredSince: rule.required ? now : null,
        updatedAt: now,
      }));
      if (rows.length > 0) await db.insert(mfaPolicy).values(rows).onConflictDoNothing();
    },
    async forUser(user: {
      role: string;
      createdAt: Date;
      mfaEnabled: boolean;
    }): Promise<PolicyState> {
      return evaluate((await rules()).get(user.role), user);
    },
  };
}
