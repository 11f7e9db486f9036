import type { FactorType, PolicyStatus, UserRole } from '@twofold/mfa-core/contracts';

export const roleLabels: Record<UserRole, string> = { user: 'Users', admin: 'Admins' };

export const factorLabels: Record<FactorType, string> = {
  totp: 'Authenticator app',
  email: 'Email code',
};

export const policyStatusLabels: Record<PolicyStatus, string> = {
  not_required: 'Not required',
  satisfied: 'Satisfied',
  grace: 'Grace period',
  enforced: 'Enforced',
};

const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatDate(value: string | Date): string {
  const parsed = value instanceof Date ? value : new Date(value);
  return Number.isNaN(parsed.getTime()) ? String(value) : date.format(parsed);
}
