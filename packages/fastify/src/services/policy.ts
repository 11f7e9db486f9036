import type { TwofoldContext } from '../context.js';
import { mfaPolicy, type MfaPolicy } from '@twofold/db';
import { DEFAULT_GRACE_DAYS, evaluateMfaPolicy } from '@twofold/mfa-core';

export type PolicyStatus = ReturnType<typeof evaluateMfaPolicy>['status'];

export interface PolicyState {
  required: boolean;
  status: PolicyStatus;
  graceEndsAt: Date | null;
}

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
    async forUser(user: {
      role: string;
      createdAt: Date;
      mfaEnabled: boolean;
    }): Promise<PolicyState> {
      return evaluate((await rules()).get(user.role), user);
    },
  };
}
