import { useEffect, useId, useState } from 'react';
import { BackupCodesSheet } from '../../../components/backup-codes/backup-codes-sheet';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';

export interface BackupCodesStepProps {
  codes: string[];
  email: string;
  onFinish: () => void;
  finishing: boolean;
}

/** Step 3: the 10 one-time backup codes, shown once; Finish waits until the user says they are saved. */
export function BackupCodesStep({ codes, email, onFinish, finishing }: BackupCodesStepProps) {
  const checkboxId = useId();
  const [saved, setSaved] = useState(false);

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

      <BackupCodesSheet codes={codes} email={email} />

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
