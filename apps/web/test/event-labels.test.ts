import {
  AUTH_METHOD_REFERENCES,
  SECURITY_EVENT_TYPES,
  type SecurityEvent,
} from '@twofold/mfa-core/contracts';
import { describe, expect, it } from 'vitest';
import { authMethodLabels, describeAuthMethods } from '../src/lib/auth-methods';
import { groupActivity } from '../src/lib/security-activity';
import { eventLabel, securityEventLabels } from '../src/lib/security-event-labels';

// A raw value on screen looks like a code: dots, underscores, or the value itself.
const looksRaw = (label: string, value: string) =>
  label === value || /[._]/.test(label.replace(/…$/, '')) || label.trim() === '';

describe('labels', () => {
  it.each(SECURITY_EVENT_TYPES.map((type) => [type]))('names the event type %s', (type) => {
    const label = eventLabel({ type, metadata: {} });
    expect(looksRaw(label, type)).toBe(false);
    expect(label).toBe(securityEventLabels[type]);
  });

  it('has no label for a type the contract does not list', () => {
    expect(Object.keys(securityEventLabels).sort()).toEqual([...SECURITY_EVENT_TYPES].sort());
    expect(Object.keys(authMethodLabels).sort()).toEqual([...AUTH_METHOD_REFERENCES].sort());
  });

  it.each(AUTH_METHOD_REFERENCES.map((amr) => [amr]))('names the method reference %s', (amr) => {
    const label = describeAuthMethods([amr]);
    expect(looksRaw(label, amr)).toBe(false);
    expect(label).toBe(authMethodLabels[amr]);
  });

  it('reads a session’s methods as one phrase', () => {
    expect(describeAuthMethods(['pwd', 'backup_code'])).toBe('Password and backup code');
    expect(describeAuthMethods(['pwd', 'device'])).toBe('Password and trusted browser');
    expect(describeAuthMethods(['pwd'])).toBe('Password');
  });

  it('adds the details an event carries, and reads a newer server’s type as words', () => {
    expect(eventLabel({ type: 'mfa.factor_added', metadata: { type: 'totp' } })).toBe(
      'Two-factor method added: authenticator app',
    );
    expect(eventLabel({ type: 'mfa.failed', metadata: { method: 'backup_code' } })).toBe(
      'Second step: wrong backup code',
    );
    expect(eventLabel({ type: 'mfa.backup_code_used', metadata: { remaining: 1 } })).toBe(
      'Backup code used: 1 backup code left',
    );
    expect(eventLabel({ type: 'account.locked_out', metadata: {} })).toBe('Account locked out');
  });
});

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36';
let next = 0;
function event(
  type: string,
  second: number,
  metadata: Record<string, unknown> = {},
  from: { ip?: string; userAgent?: string } = {},
): SecurityEvent {
  next += 1;
  return {
    id: `00000000-0000-4000-8000-${String(next).padStart(12, '0')}`,
    type,
    ip: from.ip ?? '203.0.113.7',
    userAgent: from.userAgent ?? CHROME,
    metadata,
    createdAt: new Date(Date.UTC(2025, 2, 1, 10, 0, second)).toISOString(),
  };
}
/** The API answers newest first. */
const newestFirst = (...events: SecurityEvent[]) => events.reverse();

describe('groupActivity', () => {
  it('reads one sign-in with a backup code, its browser trusted, as one entry', () => {
    const entries = groupActivity(
      newestFirst(
        event('mfa.challenge_started', 0, { methods: ['totp', 'backup_code'] }),
        event('mfa.verified', 20, { method: 'backup_code' }),
        event('login.succeeded', 20, { aal: 2, amr: ['pwd', 'backup_code'] }),
        event('mfa.backup_code_used', 21, { remaining: 7 }),
        event('device.trusted', 21, { deviceId: 'x' }),
      ),
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      title: 'Signed in',
      failed: false,
      details: [
        'With password and backup code',
        'This browser is now trusted',
        '7 backup codes left',
      ],
    });
  });

  it('keeps a failure of the second step as its own entry, marked failed', () => {
    const entries = groupActivity(
      newestFirst(
        event('mfa.challenge_started', 0),
        event('mfa.failed', 10, { method: 'totp', purpose: 'login' }),
        event('mfa.verified', 30, { method: 'totp' }),
        event('login.succeeded', 30, { aal: 2, amr: ['pwd', 'otp'] }),
      ),
    );
    expect(entries.map(({ title, failed }) => [title, failed])).toEqual([
      ['Signed in', false],
      ['Second step: wrong authenticator code', true],
    ]);
  });

  it('does not fold another browser’s steps into a sign-in', () => {
    const entries = groupActivity(
      newestFirst(
        event('mfa.challenge_started', 0, {}, { ip: '198.51.100.9' }),
        event('mfa.challenge_started', 5),
        event('mfa.verified', 20, { method: 'totp' }),
        event('login.succeeded', 20, { aal: 2, amr: ['pwd', 'otp'] }),
      ),
    );
    expect(entries.map((entry) => [entry.title, entry.ip])).toEqual([
      ['Signed in', '203.0.113.7'],
      ['Sign-in not finished: second step not completed', '198.51.100.9'],
    ]);
  });

  it('keeps the API’s order for events of the same moment', () => {
    const entries = groupActivity([
      event('mfa.enabled', 0),
      event('mfa.factor_added', 0, { type: 'totp' }),
    ]);
    expect(entries.map((entry) => entry.title)).toEqual([
      'Two-factor turned on',
      'Two-factor method added: authenticator app',
    ]);
  });

  it('reads "Confirm it’s you" with the backup code it spent as one entry', () => {
    const entries = groupActivity(
      newestFirst(
        event('mfa.backup_code_used', 0, { remaining: 3 }),
        event('step_up.succeeded', 1, { method: 'backup_code' }),
        event('password.changed', 40),
      ),
    );
    expect(entries.map(({ title, details }) => [title, details])).toEqual([
      ['Password changed', []],
      ['Confirmed it’s you', ['With password and backup code', '3 backup codes left']],
    ]);
  });
});
