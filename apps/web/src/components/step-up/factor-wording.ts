import type { MfaMethod, MfaStatusResponse } from '@twofold/mfa-core/contracts';
import type { ApiError } from '../../lib/api-error';
import { codeErrorMessage, errorMessage } from '../../lib/error-messages';

export const methodLabels: Record<MfaMethod, string> = {
  totp: 'Authenticator app',
  email: 'Email code',
  backup_code: 'Backup code',
};

/** Methods that can confirm identity right now: active factors, then backup codes if any are left. */
export function availableMethods(status: MfaStatusResponse | undefined): MfaMethod[] {
  if (!status?.enabled) return [];
  const methods: MfaMethod[] = [];
  const active = status.factors.filter((factor) => factor.status === 'active');
  if (active.some((factor) => factor.type === 'totp')) methods.push('totp');
  if (active.some((factor) => factor.type === 'email')) methods.push('email');
  if (status.backupCodesRemaining > 0) methods.push('backup_code');
  return methods;
}

/** Codes that belong under the code field rather than in an alert. */
export const CODE_ERRORS = new Set([
  'INVALID_CODE',
  'CODE_EXPIRED',
  'CODE_ALREADY_USED',
  'TOO_MANY_ATTEMPTS',
]);

/**
 * The shared wording speaks of emailed codes and sign-in; on this page the same codes come from
 * an authenticator app or a backup code list, and the password is already known to be yours.
 */
export function factorCodeErrorMessage(error: ApiError, method: MfaMethod): string {
  if (error.code === 'INVALID_CODE' && method === 'totp') {
    return 'That code is not right. Check your authenticator app (and that your phone’s clock is set automatically) and try again.';
  }
  if (error.code === 'INVALID_CODE' && method === 'backup_code') {
    return 'That backup code is not right, or it has already been used.';
  }
  if (error.code === 'CODE_ALREADY_USED' && method === 'totp') {
    return 'That code has just been used. Wait for the next code in your authenticator app.';
  }
  return codeErrorMessage(error);
}

export function passwordErrorMessage(error: ApiError, field: 'current' | 'confirm'): string {
  if (error.code === 'INVALID_CREDENTIALS') {
    return field === 'current'
      ? 'Your current password is not correct.'
      : 'That password is not correct.';
  }
  return errorMessage(error);
}
