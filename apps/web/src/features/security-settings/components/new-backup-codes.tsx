import { BackupCodesSheet } from '../../../components/backup-codes/backup-codes-sheet';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';

export interface NewBackupCodesProps {
  codes: string[];
  email: string;
  onDone: () => void;
}

/** The regenerated codes, shown this one time with the wizard's sheet (copy, download, print). */
export function NewBackupCodes({ codes, email, onDone }: NewBackupCodesProps) {
  return (
    <div className="stack">
      <Alert tone="warning" title="Save these codes now">
        They will not be shown again. Your previous backup codes have stopped working.
      </Alert>
      <BackupCodesSheet codes={codes} email={email} label="New backup codes" />
      <div className="security-card-actions">
        <Button onClick={onDone}>I have saved them</Button>
      </div>
    </div>
  );
}
