import { useEffect, useId, useState } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { formatDateTime } from '../../../lib/format';
import { BACKUP_CODES_FILE_NAME, backupCodesText, downloadTextFile } from '../setup-format';
import { useCopyText } from '../use-copy-text';

export interface BackupCodesStepProps {
  codes: string[];
  email: string;
  onFinish: () => void;
  finishing: boolean;
}

/** Step 3: the 10 one-time backup codes, shown once; Finish waits until the user says they are saved. */
export function BackupCodesStep({ codes, email, onFinish, finishing }: BackupCodesStepProps) {
  const checkboxId = useId();
  const listId = useId();
  const copy = useCopyText();
  const [saved, setSaved] = useState(false);
  const [shownAt] = useState(() => new Date());

  // Leaving now would lose the codes for good: let the browser ask first.
  useEffect(() => {
    if (saved) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [saved]);

  return (
    <div className="stack">
      <Alert tone="warning" title="Save these codes now">
        They are shown only this once. Each code signs you in one time if you lose access to your
        second factor. Keep them somewhere safe, away from your phone.
      </Alert>

      <div className="backup-codes">
        <div className="backup-codes__print-header">
          <p className="backup-codes__print-title">Twofold backup codes</p>
          <p>
            {email} · {formatDateTime(shownAt)}
          </p>
          <p>Each code works once.</p>
        </div>
        <ul className="backup-codes__grid" id={listId} aria-label="Backup codes">
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
            downloadTextFile(BACKUP_CODES_FILE_NAME, backupCodesText(codes, email, new Date()))
          }
        >
          Download
        </Button>
        <Button variant="secondary" onClick={() => window.print()}>
          Print
        </Button>
      </div>

      <div className="setup-check">
        <input
          id={checkboxId}
          type="checkbox"
          checked={saved}
          onChange={(event) => setSaved(event.target.checked)}
          required
        />
        <label htmlFor={checkboxId}>I have saved these codes</label>
      </div>

      <Button onClick={onFinish} disabled={!saved} pending={finishing}>
        Finish
      </Button>
    </div>
  );
}
