import type { AuthMethodReference, MfaMethod } from '@twofold/mfa-core/contracts';

/** How a session was proved (its `amr`), in the words the rest of the SPA uses. */
export const authMethodLabels: Record<AuthMethodReference, string> = {
  pwd: 'Password',
  otp: 'Authenticator app',
  email: 'Email code',
  backup_code: 'Backup code',
  device: 'Trusted browser',
};

/** A second-step method as the sign-in dialog names it. */
export const mfaMethodLabels: Record<MfaMethod, string> = {
  totp: 'Authenticator app',
  email: 'Email code',
  backup_code: 'Backup code',
};

function isAuthMethod(value: string): value is AuthMethodReference {
  return Object.hasOwn(authMethodLabels, value);
}

/** One reference; a newer server's unknown one reads as words rather than as a code. */
export function authMethodLabel(value: string): string {
  if (isAuthMethod(value)) return authMethodLabels[value];
  const words = value.replace(/[._-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const list = new Intl.ListFormat('en', { type: 'conjunction' });

/** ["pwd", "backup_code"] -> "Password and backup code"; "" for none. */
export function describeAuthMethods(values: readonly string[]): string {
  const words = values.map((value, index) => {
    const label = authMethodLabel(value);
    return index === 0 ? label : label.charAt(0).toLowerCase() + label.slice(1);
  });
  return list.format(words);
}
