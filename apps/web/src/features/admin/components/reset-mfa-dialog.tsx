import type { AdminUser } from '@twofold/mfa-core/contracts';
import { isStepUpCancelled } from '../../../components/step-up/use-step-up';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorAlert } from '../../../components/ui/error-alert';
import { useToast } from '../../../components/ui/toast';
import { useResetUserMfa } from '../api/reset-user-mfa';

export interface ResetMfaDialogProps {
  /** The user to reset; null keeps the dialog closed. */
  user: AdminUser | null;
  onClose: () => void;
}

/** Asks before resetting: the reset cannot be undone and signs the person out everywhere. */
export function ResetMfaDialog({ user, onClose }: ResetMfaDialogProps) {
  const reset = useResetUserMfa();
  const toast = useToast();

  function close() {
    reset.reset();
    onClose();
  }

  function confirm() {
    if (!user) return;
    reset.mutate(user.id, {
      onSuccess: () => {
        toast.show(`Two-factor authentication reset for ${user.email}.`, 'success');
        close();
      },
    });
  }

  return (
    <Dialog
      open={user !== null}
      title="Reset two-factor authentication?"
      onClose={close}
      description={
        user && (
          <p>
            This removes every factor, backup code and trusted browser of{' '}
            <strong className="break-all">{user.email}</strong> and signs them out everywhere. They
            are emailed about it, and must set two-factor authentication up again if the policy
            requires it.
          </p>
        )
      }
    >
      {/* FORBIDDEN (the admin's own account) is said in the API's words. */}
      <ErrorAlert
        error={isStepUpCancelled(reset.error) ? null : reset.error}
        title="The reset did not go through"
      />
      <div className="row admin-dialog-actions">
        <Button variant="secondary" onClick={close}>
          Cancel
        </Button>
        <Button className="btn--danger" pending={reset.isPending} onClick={confirm}>
          {reset.isPending ? 'Resetting…' : 'Reset two-factor'}
        </Button>
      </div>
    </Dialog>
  );
}
