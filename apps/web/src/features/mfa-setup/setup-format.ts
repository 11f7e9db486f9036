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

export const BACKUP_CODES_FILE_NAME = 'twofold-backup-codes.txt';

/** The text of the downloaded file: a header, the date, then one code per line. */
export function backupCodesText(codes: string[], email: string | undefined, date: Date): string {
  const header = email ? `Twofold backup codes for ${email}` : 'Twofold backup codes';
  return [
    header,
    `Generated ${date.toISOString().slice(0, 10)}`,
    'Each code works once. Keep them somewhere safe, away from your phone.',
    '',
    ...codes,
    '',
  ].join('\n');
}

/** Saves `text` as a file through a temporary object URL (no server round trip). */
export function downloadTextFile(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked on the next task: some browsers start the download only after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
