import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as contracts from '../src/contracts/index.js';

describe('contracts entry point', () => {
  it('exports every required name', () => {
    const names = [
      'ErrorCodes',
      'ErrorResponse',
      'PublicUser',
      'SessionInfo',
      'MfaMethod',
      'RegisterBody',
      'VerificationRequiredResponse',
      'VerifyCodeBody',
      'ResendVerificationBody',
      'AuthenticatedResponse',
      'LoginBody',
      'MfaRequiredResponse',
      'MfaSetupRequiredResponse',
      'LoginResponse',
      'MfaVerifyBody',
      'MfaEmailSendResponse',
      'SessionResponse',
      'LogoutResponse',
      'ReauthenticateBody',
      'ReauthenticateResponse',
      'ForgotPasswordBody',
      'ForgotPasswordResponse',
      'ResetPasswordBody',
      'ResetPasswordResponse',
      'ChangePasswordBody',
      'ChangePasswordResponse',
      'ChangeEmailBody',
      'EmailChangePendingResponse',
      'ConfirmEmailChangeBody',
      'EmailChangedResponse',
      'Factor',
      'TrustedDevice',
      'MfaStatusResponse',
      'TotpEnrollResponse',
      'TotpConfirmBody',
      'FactorConfirmResponse',
      'EmailFactorStartResponse',
      'EmailFactorConfirmBody',
      'FactorIdParams',
      'DisableMfaBody',
      'BackupCodesResponse',
      'TrustedDevicesResponse',
      'DeviceIdParams',
      'OkResponse',
      'ActiveSession',
      'SessionListResponse',
      'SessionIdParams',
      'RevokeSessionsResponse',
      'SecurityEvent',
      'SecurityEventsQuery',
      'SecurityEventsResponse',
      'SECURITY_EVENT_TYPES',
      'AUTH_METHOD_REFERENCES',
      'RolePolicy',
      'MfaPolicyResponse',
      'MfaPolicyBody',
      'AdminUser',
      'AdminUsersQuery',
      'AdminUsersResponse',
      'UserIdParams',
      'AdminUserEventsResponse',
      'HealthResponse',
      'ReadyResponse',
      'MailboxMessage',
      'MailboxResponse',
    ];
    const exported = contracts as Record<string, unknown>;
    expect(names.filter((name) => exported[name] === undefined)).toEqual([]);
  });

  it('stays browser-safe: contract files import only typebox and each other', () => {
    const dir = new URL('../src/contracts/', import.meta.url);
    for (const file of readdirSync(dir)) {
      const source = readFileSync(new URL(file, dir), 'utf8');
      const specifiers = [...source.matchAll(/from\s+'([^']+)'/g)].map((match) => match[1]);
      for (const specifier of specifiers)
        expect(specifier, `${file}`).toMatch(/^(typebox(\/.*)?|\.\/[a-z-]+\.js)$/);
    }
  });
});

describe('static types (checked by `tsc` during typecheck)', () => {
  it('infer plain TypeScript shapes', () => {
    expectTypeOf<contracts.LoginBody>().toEqualTypeOf<{ email: string; password: string }>();
    expectTypeOf<contracts.MfaMethod>().toEqualTypeOf<'totp' | 'email' | 'backup_code'>();
    expectTypeOf<contracts.SessionInfo['aal']>().toEqualTypeOf<1 | 2>();
    expectTypeOf<contracts.SessionUser['mfaGraceEndsAt']>().toEqualTypeOf<
      string | null | undefined
    >();
    expectTypeOf<contracts.LoginResponse['status']>().toEqualTypeOf<
      'authenticated' | 'mfa_required' | 'mfa_setup_required' | 'verification_required'
    >();
    expectTypeOf<contracts.ErrorCode>().toExtend<string>();
    expectTypeOf<'MFA_LOCKED'>().toExtend<contracts.ErrorCode>();
    expectTypeOf<contracts.SecurityEvent['metadata']>().toEqualTypeOf<Record<string, unknown>>();
  });
});
