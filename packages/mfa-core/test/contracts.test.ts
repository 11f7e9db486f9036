import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import {
  FactorIdParams,
  LoginBody,
  LoginResponse,
  MfaPolicyBody,
  MfaStatusResponse,
  MfaVerifyBody,
  ReauthenticateBody,
  RegisterBody,
  ResendVerificationBody,
  SecurityEventsQuery,
  SecurityEventsResponse,
  SessionResponse,
  TotpEnrollResponse,
} from '../src/contracts/index.js';

const ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const AT = '2025-01-15T12:00:00.000Z';
const user = {
  id: ID,
  email: 'ada@example.com',
  role: 'user',
  emailVerified: true,
  mfaEnabled: false,
};

describe('LoginBody', () => {
  it('accepts email and password', () => {
    expect(Value.Check(LoginBody, { email: 'ada@example.com', password: 'correct horse' })).toBe(
      true,
    );
  });

  it.each([
    ['an extra property', { email: 'ada@example.com', password: 'pw', admin: true }],
    ['a bad email', { email: 'not-an-email', password: 'password' }],
    ['an over-long email', { email: `${'a'.repeat(250)}@x.io`, password: 'password' }],
    ['an empty password', { email: 'ada@example.com', password: '' }],
    ['a password over 128 characters', { email: 'ada@example.com', password: 'x'.repeat(129) }],
    ['a missing password', { email: 'ada@example.com' }],
    ['a non-string password', { email: 'ada@example.com', password: 12345678 }],
  ])('rejects %s', (_label, body) => {
    expect(Value.Check(LoginBody, body)).toBe(false);
  });
});

describe('RegisterBody', () => {
  it('enforces 8 to 128 characters for a new password', () => {
    expect(Value.Check(RegisterBody, { email: 'ada@example.com', password: 'x'.repeat(8) })).toBe(
      true,
    );
    expect(Value.Check(RegisterBody, { email: 'ada@example.com', password: 'x'.repeat(128) })).toBe(
      true,
    );
    expect(Value.Check(RegisterBody, { email: 'ada@example.com', password: 'x'.repeat(7) })).toBe(
      false,
    );
    expect(Value.Check(RegisterBody, { email: 'ada@example.com', password: 'x'.repeat(129) })).toBe(
      false,
    );
  });
});

describe('LoginResponse', () => {
  it.each([
    { status: 'authenticated', user },
    { status: 'mfa_required', methods: ['totp', 'email', 'backup_code'], expiresAt: AT },
    { status: 'mfa_setup_required', user, graceEndedAt: AT },
    { status: 'verification_required', expiresAt: AT, resendAvailableAt: AT },
  ])('accepts status $status', (body) => {
    expect(Value.Check(LoginResponse, body)).toBe(true);
  });

  it('rejects unknown statuses and unknown methods', () => {
    expect(Value.Check(LoginResponse, { status: 'maybe', user })).toBe(false);
    expect(
      Value.Check(LoginResponse, { status: 'mfa_required', methods: ['sms'], expiresAt: AT }),
    ).toBe(false);
  });

  it('rejects timestamps that are not date-times', () => {
    expect(
      Value.Check(LoginResponse, { status: 'mfa_required', methods: ['totp'], expiresAt: 'soon' }),
    ).toBe(false);
  });
});

describe('second-factor bodies', () => {
  it('MfaVerifyBody takes a known method, a code and an optional trustDevice', () => {
    expect(Value.Check(MfaVerifyBody, { method: 'totp', code: '123 456' })).toBe(true);
    expect(
      Value.Check(MfaVerifyBody, { method: 'backup_code', code: 'abcde-12345', trustDevice: true }),
    ).toBe(true);
    expect(Value.Check(MfaVerifyBody, { method: 'sms', code: '123456' })).toBe(false);
    expect(Value.Check(MfaVerifyBody, { method: 'totp', code: '' })).toBe(false);
    expect(Value.Check(MfaVerifyBody, { method: 'totp', code: '1'.repeat(65) })).toBe(false);
  });

  it('ReauthenticateBody allows password alone for users without MFA', () => {
    expect(Value.Check(ReauthenticateBody, { password: 'pw' })).toBe(true);
    expect(
      Value.Check(ReauthenticateBody, { password: 'pw', method: 'totp', code: '123456' }),
    ).toBe(true);
    expect(Value.Check(ReauthenticateBody, { method: 'totp', code: '123456' })).toBe(false);
  });

  it('ResendVerificationBody is an empty object', () => {
    expect(Value.Check(ResendVerificationBody, {})).toBe(true);
    expect(Value.Check(ResendVerificationBody, { email: 'ada@example.com' })).toBe(false);
  });

  it('FactorIdParams wants a UUID', () => {
    expect(Value.Check(FactorIdParams, { id: ID })).toBe(true);
    expect(Value.Check(FactorIdParams, { id: '42' })).toBe(false);
  });
});

describe('responses', () => {
  it('TotpEnrollResponse needs a PNG data URL', () => {
    const body = {
      factorId: ID,
      secret: 'JBSWY3DPEHPK3PXP',
      otpauthUri: 'otpauth://totp/T:a?secret=X',
    };
    expect(
      Value.Check(TotpEnrollResponse, { ...body, qrCode: 'data:image/png;base64,iVBORw0KGgo=' }),
    ).toBe(true);
    expect(Value.Check(TotpEnrollResponse, { ...body, qrCode: 'https://example.com/qr.png' })).toBe(
      false,
    );
  });

  it('SessionResponse carries the optional grace end', () => {
    const session = {
      id: ID,
      aal: 2,
      amr: ['pwd', 'otp'],
      scope: 'full',
      createdAt: AT,
      reauthenticatedAt: null,
    };
    expect(Value.Check(SessionResponse, { user, session })).toBe(true);
    expect(Value.Check(SessionResponse, { user: { ...user, mfaGraceEndsAt: AT }, session })).toBe(
      true,
    );
    expect(Value.Check(SessionResponse, { user: { ...user, mfaGraceEndsAt: null }, session })).toBe(
      true,
    );
    expect(Value.Check(SessionResponse, { user, session: { ...session, aal: 3 } })).toBe(false);
  });

  it('MfaStatusResponse describes factors, devices and policy', () => {
    expect(
      Value.Check(MfaStatusResponse, {
        enabled: true,
        factors: [
          {
            id: ID,
            type: 'totp',
            status: 'active',
            createdAt: AT,
            confirmedAt: AT,
            lastUsedAt: null,
          },
        ],
        backupCodesRemaining: 9,
        trustedDevices: [
          {
            id: ID,
            label: 'Firefox on Linux',
            createdAt: AT,
            lastUsedAt: null,
            expiresAt: AT,
            current: true,
          },
        ],
        policy: { required: true, status: 'satisfied', graceEndsAt: null },
      }),
    ).toBe(true);
  });

  it('SecurityEventsResponse allows free-form metadata and a null cursor', () => {
    const event = {
      id: ID,
      type: 'mfa.enabled',
      ip: null,
      userAgent: null,
      metadata: { method: 'totp' },
      createdAt: AT,
    };
    expect(Value.Check(SecurityEventsResponse, { events: [event], nextCursor: null })).toBe(true);
    expect(
      Value.Check(SecurityEventsResponse, {
        events: [{ ...event, metadata: 'x' }],
        nextCursor: null,
      }),
    ).toBe(false);
  });
});

describe('queries and admin bodies', () => {
  it('SecurityEventsQuery bounds limit to 1..100 with a default of 20', () => {
    expect(Value.Check(SecurityEventsQuery, {})).toBe(true);
    expect(Value.Check(SecurityEventsQuery, { limit: 100, cursor: 'abc' })).toBe(true);
    expect(Value.Check(SecurityEventsQuery, { limit: 0 })).toBe(false);
    expect(Value.Check(SecurityEventsQuery, { limit: 101 })).toBe(false);
    expect(Value.Check(SecurityEventsQuery, { limit: 1.5 })).toBe(false);
    expect(Value.Default(SecurityEventsQuery, {})).toEqual({ limit: 20 });
  });

  it('MfaPolicyBody bounds grace days to 0..365', () => {
    const roles = (graceDays: number) => ({
      roles: [{ role: 'admin', required: true, graceDays }],
    });
    expect(Value.Check(MfaPolicyBody, roles(0))).toBe(true);
    expect(Value.Check(MfaPolicyBody, roles(365))).toBe(true);
    expect(Value.Check(MfaPolicyBody, roles(366))).toBe(false);
    expect(Value.Check(MfaPolicyBody, roles(-1))).toBe(false);
    expect(
      Value.Check(MfaPolicyBody, { roles: [{ role: 'owner', required: true, graceDays: 7 }] }),
    ).toBe(false);
  });
});
