import { useState } from 'react';
import type { MfaStatusResponse } from '@twofold/mfa-core/contracts';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { useToast } from '../../../components/ui/toast';
import { useRegenerateBackupCodes } from '../api/regenerate-backup-codes';
import { ConfirmDialog } from './confirm-dialog';
import { NewBackupCodes } from './new-backup-codes';

export const LOW_BACKUP_CODES = 3;

export function BackupCodesCard({ status, email }: { status: MfaStatusResponse; email: string }) {
  const [confirming, setConfirming] = useState(false);
  const [codes, setCodes] = useState<string[] | null>(null);
  const regenerate = useRegenerateBackupCodes();
  const toast = useToast();
  const left = status.backupCodesRemaining;

  function confirm() {
    regenerate.mutate(undefined, {
      onSuccess: (result) => {
        setConfirming(false);
        setCodes(result.backupCodes);
        toast.show('New backup codes created. The old ones no longer work.', 'success');
      },
    });
  }

  return (
    <Card
      level={2}
      title="Backup codes"
      description="Each code signs you in once if you lose your phone or cannot get an email."
    >
      {codes ? (
        <NewBackupCodes codes={codes} email={email} onDone={() => setCodes(null)} />
      ) : !status.enabled ? (
        <p className="muted">You get backup codes when you turn on two-factor authentication.</p>
      ) : (
        <>
          <p>
            <span className="security-count">{left}</span> {left === 1 ? 'code left' : 'codes left'}
          </p>
          {left <= LOW_BACKUP_CODES && (
            <Alert
              tone="warning"
              title={left === 0 ? 'No backup codes left' : 'You are running out of backup codes'}
            >
              Generate new codes so you can still sign in if you lose access to your other methods.
            </Alert>
          )}
          <div className="security-card-actions">
            <Button variant="secondary" onClick={() => setConfirming(true)}>
              Generate new codes
            </Button>
          </div>
        </>
      )}

      <ConfirmDialog
        open={confirming}
        title="Generate new backup codes?"
        description="You will get 10 new codes. Every code you saved before stops working at once."
        confirmLabel="Generate new codes"
        pendingLabel="Generating…"
        pending={regenerate.isPending}
        error={regenerate.error}
        onConfirm={confirm}
        onClose={() => {
          setConfirming(false);
          regenerate.reset();
        }}
      />
    </Card>
  );
}
