import type { SecurityEvent, SecurityEventType } from '@twofold/mfa-core/contracts';
import { mfaMethodLabels } from './auth-methods';

/**
 * One sentence per event type, worded for both the person's own activity list and an admin
 * reading it, so the two pages say the same thing. A `Record` over the contract's list: a new
 * type without a label does not compile (and test/event-labels.test.ts fails).
 */
export const securityEventLabels: Record<SecurityEventType, string> = {
  'user.registered': 'Account created',
  'registration.duplicate': 'Someone tried to sign up with this email',
  'email.verification_sent': 'Verification code sent',
  'email.verified': 'Email address verified',
  'email.verification_failed': 'Email verification: wrong code',
  'login.succeeded': 'Signed in',
  'login.failed': 'Sign-in: wrong password',
  'login.unverified': 'Sign-in: email not verified yet',
  logout: 'Signed out',
  'password.reset_requested': 'Password reset requested',
  'password.reset': 'Password reset',
  'password.reset_failed': 'Password reset: wrong code',
  'password.changed': 'Password changed',
  'email.change_requested': 'Email change requested',
  'email.change_failed': 'Email change: wrong code',
  'email.change_duplicate': 'Someone tried to use this email for another account',
  'email.changed': 'Email address changed',
  'mfa.challenge_started': 'Sign-in not finished: second step not completed',
  'mfa.verified': 'Second step completed',
  'mfa.failed': 'Second step: wrong code',
  'mfa.totp_replay': 'Second step: authenticator code already used',
  'mfa.backup_code_used': 'Backup code used',
  'mfa.backup_codes_regenerated': 'New backup codes generated',
  'mfa.enabled': 'Two-factor turned on',
  'mfa.disabled': 'Two-factor turned off',
  'mfa.factor_added': 'Two-factor method added',
  'mfa.factor_removed': 'Two-factor method removed',
  'mfa.email_code_sent': 'Sign-in code emailed',
  'mfa.admin_reset': 'Two-factor reset by an administrator',
  'mfa.policy_updated': 'Two-factor policy changed',
  'mfa.setup_required': 'Two-factor setup required by policy',
  'device.trusted': 'Browser trusted',
  'device.revoked': 'Trusted browser removed',
  'session.revoked': 'Session signed out',
  'step_up.succeeded': 'Confirmed it’s you',
  'step_up.failed': 'Confirming it’s you: wrong password',
  'role.granted': 'Made an administrator',
  'role.revoked': 'Administrator role removed',
};

/**
 * Refusals and attempts that did not go through: shown with a "Failed" mark and icon, so they
 * never read like the successes next to them (their labels are worded to follow that mark).
 */
const FAILURES: ReadonlySet<string> = new Set<SecurityEventType>([
  'registration.duplicate',
  'email.verification_failed',
  'login.failed',
  'login.unverified',
  'password.reset_failed',
  'email.change_failed',
  'email.change_duplicate',
  'mfa.failed',
  'mfa.totp_replay',
  'step_up.failed',
]);

export function isFailure(type: string): boolean {
  return FAILURES.has(type);
}

function isKnown(type: string): type is SecurityEventType {
  return Object.hasOwn(securityEventLabels, type);
}

const factorNames: Record<string, string> = { totp: 'authenticator app', email: 'email codes' };

/** "backup_code" -> "backup code"; "totp" -> "authenticator code". */
function methodWords(method: unknown): string | undefined {
  if (method === 'totp') return 'authenticator code';
  const label = mfaMethodLabels[String(method) as keyof typeof mfaMethodLabels];
  return label?.toLowerCase();
}

type EventFacts = Pick<SecurityEvent, 'type' | 'metadata'>;

/** A sentence for one event, with what its details add ("Wrong backup code", "…: 7 left"). */
export function eventLabel({ type, metadata }: EventFacts): string {
  if (!isKnown(type)) {
    // A newer server's type: its words rather than a dotted code.
    const words = type.replace(/[._]+/g, ' ').trim();
    return words.charAt(0).toUpperCase() + words.slice(1);
  }
  const label = securityEventLabels[type];
  switch (type) {
    case 'mfa.factor_added':
    case 'mfa.factor_removed': {
      const factor = factorNames[String(metadata.type ?? '')];
      return factor ? `${label}: ${factor}` : label;
    }
    case 'mfa.failed': {
      const step = metadata.purpose === 'step_up' ? 'Confirming it’s you' : 'Second step';
      const method = methodWords(metadata.method);
      return `${step}: wrong ${method ?? 'code'}`;
    }
    case 'mfa.email_code_sent':
      return metadata.purpose === 'step_up' ? 'Code emailed to confirm it’s you' : label;
    case 'mfa.backup_code_used':
      return typeof metadata.remaining === 'number'
        ? `${label}: ${leftOf(metadata.remaining)}`
        : label;
    case 'login.failed':
      return metadata.reason === 'unknown_email' ? 'Sign-in' : label;
    default:
      return label;
  }
}

/** 7 -> "7 backup codes left" */
export function leftOf(remaining: number): string {
  return `${remaining} backup ${remaining === 1 ? 'code' : 'codes'} left`;
}
