/**
 * Every security event type the API records and every authentication method reference a
 * session can carry, as values: clients iterate them (the SPA's tests check each has a label),
 * and the API's types come from here, so a new one cannot be recorded without being listed.
 * The wire schemas keep `string`, so an older client still reads a newer server's answers.
 */

export const SECURITY_EVENT_TYPES = [
  'user.registered',
  'registration.duplicate',
  'email.verification_sent',
  'email.verified',
  'email.verification_failed',
  'login.succeeded',
  'login.failed',
  'login.unverified',
  'logout',
  'password.reset_requested',
  'password.reset',
  'password.reset_failed',
  'password.changed',
  'email.change_requested',
  'email.change_failed',
  'email.change_duplicate',
  'email.changed',
  'mfa.challenge_started',
  'mfa.verified',
  'mfa.failed',
  'mfa.totp_replay',
  'mfa.backup_code_used',
  'mfa.backup_codes_regenerated',
  'mfa.enabled',
  'mfa.disabled',
  'mfa.factor_added',
  'mfa.factor_removed',
  'mfa.email_code_sent',
  'mfa.admin_reset',
  'mfa.policy_updated',
  'mfa.setup_required',
  'device.trusted',
  'device.revoked',
  'session.revoked',
  'step_up.succeeded',
  'step_up.failed',
  'role.granted',
  'role.revoked',
] as const;
export type SecurityEventType = (typeof SECURITY_EVENT_TYPES)[number];

/** RFC 8176 method references on a session: the password, then how the second step was met. */
export const AUTH_METHOD_REFERENCES = ['pwd', 'otp', 'email', 'backup_code', 'device'] as const;
export type AuthMethodReference = (typeof AUTH_METHOD_REFERENCES)[number];
