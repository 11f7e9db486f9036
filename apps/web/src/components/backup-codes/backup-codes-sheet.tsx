import { useId, useState } from 'react';
import { Button } from '../ui/button';
import { useCopyText } from '../../hooks/use-copy-text';
import { formatDateTime } from '../../lib/format';
import { BACKUP_CODES_FILE_NAME, backupCodesText, downloadTextFile } from './backup-codes-file';
import './backup-codes.css';

export interface BackupCodesSheetProps {
  codes: string[];
  /** The account address, on the printout and in the downloaded file. */
  email: string;
  /** The list's accessible name. */
  label?: string;
}

/**
 * Freshly made backup codes, shown once: the codes in a grid, then Copy, Download and Print
 * (the printout carries only the codes, the account and the date). The setup wizard and the
 * security settings show new codes with this same sheet.
 */
export function BackupCodesSheet({ codes, email, label = 'Backup codes' }: BackupCodesSheetProps) {
  const listId = useId();
  const copy = useCopyText();
  const [shownAt] = useState(() => new Date());

  return (
    <div className="stack">
      <div className="backup-codes">
        <div className="backup-codes__print-header">
          <p className="backup-codes__print-title">Twofold backup codes</p>
          <p>
            {email} · {formatDateTime(shownAt)}
          </p>
          <p>Each code works once.</p>
        </div>
        <ul className="backup-codes__grid" id={listId} aria-label={label}>
          {codes.map((code) => (
            <li key={code}>
              <code>{code}</code>
            </li>
          ))}
        </ul>
      </div>

      <div className="backup-codes__actions">
        <Button
          variant="secondary"
          aria-controls={listId}
          onClick={() => void copy(codes.join('\n'), 'Backup codes copied')}
        >
          Copy codes
        </Button>
        <Button
          variant="secondary"
          onClick={() =>
            downloadTextFile(BACKUP_CODES_FILE_NAME, backupCodesText(codes, email, shownAt))
          }
        >
          Download
        </Button>
        <Button variant="secondary" onClick={() => window.print()}>
          Print
        </Button>
      </div>
    </div>
  );
}
