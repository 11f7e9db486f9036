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
