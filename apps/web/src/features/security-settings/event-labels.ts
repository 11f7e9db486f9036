import type { SecurityEvent } from '@twofold/mfa-core/contracts';

const labels: Record<string, string> = {
  'user.registered': 'Account created',
  'registration.duplicate': 'Someone tried to register with your email',
  'email.verification_sent': 'Verification code sent',
  'email.verified': 'Email address verified',
  'email.verification_failed': 'Wrong email verification code',
  'login.succeeded': 'Signed in',
  'login.failed': 'Failed sign-in attempt',
  'login.unverified': 'Sign-in before the email was verified',
  logout: 'Signed out',
  'password.reset_requested': 'Password reset requested',
  'password.reset': 'Password reset',
  'password.reset_failed': 'Failed password reset',
  'password.changed': 'Password changed',
  'email.change_requested': 'Email change requested',
  'email.change_failed': 'Wrong email-change code',
  'email.change_duplicate': 'Someone tried to use your email for another account',
  'email.changed': 'Email address changed',
  'mfa.challenge_started': 'Asked for a second factor',
  'mfa.verified': 'Second factor verified',
  'mfa.failed': 'Wrong second-factor code',
  'mfa.totp_replay': 'A used authenticator code was refused',
  'mfa.backup_code_used': 'Backup code used',
  'mfa.backup_codes_regenerated': 'New backup codes generated',
  'mfa.enabled': 'Two-factor turned on',
  'mfa.disabled': 'Two-factor turned off',
  'mfa.factor_added': 'Two-factor method added',
  'mfa.factor_removed': 'Two-factor method removed',
  'mfa.email_code_sent': 'Email code sent',
  'mfa.admin_reset': 'Two-factor reset by an administrator',
  'mfa.policy_updated': 'Two-factor policy changed',
  'mfa.setup_required': 'Two-factor setup required',
  'device.trusted': 'Browser trusted',
  'device.revoked': 'Trusted browser revoked',
  'session.revoked': 'Session signed out',
  'step_up.succeeded': 'Identity confirmed',
  'step_up.failed': 'Failed identity confirmation',
  'role.granted': 'Made an administrator',
  'role.revoked': 'Administrator role removed',
};

const factorNames: Record<string, string> = { totp: 'authenticator app', email: 'email codes' };

/** A sentence for an event type; types this page does not know yet are shown as they are. */
export function eventLabel(event: Pick<SecurityEvent, 'type' | 'metadata'>): string {
  const label = labels[event.type];
  if (!label) return event.type;
  const factor = factorNames[String(event.metadata.type ?? '')];
  if (factor && (event.type === 'mfa.factor_added' || event.type === 'mfa.factor_removed')) {
    return `${label}: ${factor}`;
  }
  return label;
}
