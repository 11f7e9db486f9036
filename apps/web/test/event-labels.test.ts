import { describe, expect, it } from 'vitest';
import { eventLabel } from '../src/features/security-settings/event-labels';

describe('eventLabel', () => {
  it.each([
    ['email.change_requested', 'Email change requested'],
    ['email.change_failed', 'Wrong email-change code'],
    ['email.change_duplicate', 'Someone tried to use your email for another account'],
    ['email.changed', 'Email address changed'],
    ['password.changed', 'Password changed'],
    ['role.granted', 'Made an administrator'],
    ['role.revoked', 'Administrator role removed'],
  ])('names %s', (type, label) => {
    expect(eventLabel({ type, metadata: {} })).toBe(label);
  });

  it('names the factor of an added or removed method, and shows unknown types as they are', () => {
    expect(eventLabel({ type: 'mfa.factor_added', metadata: { type: 'totp' } })).toBe(
      'Two-factor method added: authenticator app',
    );
    expect(eventLabel({ type: 'something.new', metadata: {} })).toBe('something.new');
  });
});
