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

const eventLabels: Record<string, string> = {
  'user.registered': 'Account created',
  'email.verified': 'Email verified',
  'email.verification_sent': 'Verification code sent',
  'email.verification_failed': 'Wrong verification code',
  'login.succeeded': 'Signed in',
  'login.failed': 'Failed sign-in',
  'login.unverified': 'Sign-in before email verification',
  'mfa.challenge_started': 'Second step started',
  'mfa.verified': 'Second factor verified',
  'mfa.failed': 'Wrong second-factor code',
  'mfa.totp_replay': 'Authenticator code reused',
  'mfa.email_code_sent': 'Sign-in code emailed',
  'mfa.enabled': 'Two-factor authentication turned on',
  'mfa.disabled': 'Two-factor authentication turned off',
  'mfa.factor_added': 'Factor added',
  'mfa.factor_removed': 'Factor removed',
  'mfa.backup_code_used': 'Backup code used',
  'mfa.backup_codes_regenerated': 'New backup codes',
  'mfa.setup_required': 'Setup required by policy',
  'mfa.admin_reset': 'Two-factor authentication reset by an admin',
  'mfa.policy_updated': 'Two-factor policy changed',
  'device.trusted': 'Browser trusted',
  'device.revoked': 'Trusted browser removed',
  'session.revoked': 'Session ended',
  'step_up.succeeded': 'Identity confirmed',
  'step_up.failed': 'Identity check failed',
  'password.changed': 'Password changed',
  'password.reset': 'Password reset',
  'password.reset_requested': 'Password reset requested',
  'password.reset_failed': 'Wrong password reset code',
  'registration.duplicate': 'Sign-up attempt with this email',
};

/** "mfa.factor_added" -> "Factor added"; unknown types still read as words. */
export function eventLabel(type: string): string {
  const known = eventLabels[type];
  if (known) return known;
  const words = type.replace(/[._]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatDate(value: string | Date): string {
  const parsed = value instanceof Date ? value : new Date(value);
  return Number.isNaN(parsed.getTime()) ? String(value) : date.format(parsed);
}
