/** "JBSWY3DPEHPK3PXP" -> "JBSW Y3DP EHPK 3PXP": blocks of 4 are easier to type and compare. */
export function groupKey(secret: string): string {
  return (
    secret
      .replace(/[\s=]/g, '')
      .toUpperCase()
      .match(/.{1,4}/g)
      ?.join(' ') ?? ''
  );
}

/** Account and issuer as an authenticator app will list them, read from the otpauth:// URI. */
export function otpauthLabel(uri: string): { account: string; issuer: string } {
  try {
    const url = new URL(uri);
    const label = decodeURIComponent(url.pathname.replace(/^\/+/, '').replace(/^totp\//, ''));
    const separator = label.indexOf(':');
    const issuer =
      url.searchParams.get('issuer') ?? (separator > 0 ? label.slice(0, separator) : '');
    const account = separator >= 0 ? label.slice(separator + 1) : label;
    return { account: account.trim(), issuer: issuer.trim() };
  } catch {
    return { account: '', issuer: '' };
  }
}
