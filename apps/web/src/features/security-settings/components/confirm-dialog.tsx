import { useId, type ReactNode } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorAlert } from '../../../components/ui/error-alert';
import type { ApiError } from '../../../lib/api-error';
import { isStepUpCancelled } from '../../../components/step-up/use-step-up';
import { useFocusOnShow } from '../../../hooks/use-focus-on-show';

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  pendingLabel?: string;
  pending?: boolean;
  error?: ApiError | null;
  onConfirm: () => void;
  onClose: () => void;
}

/** "Are you sure?" for destructive actions; the destructive button is never the default focus. */
export function ConfirmDialog({
  open,
  title,
  description,
  confirmLabel,
  pendingLabel,
  pending = false,
  error,
  onConfirm,
  onClose,
}: ConfirmDialogProps) {
  const cancelId = useId();
  useFocusOnShow(open ? cancelId : null);
  return (
    <Dialog open={open} title={title} onClose={onClose} description={description}>
      <ErrorAlert error={isStepUpCancelled(error) ? null : error} />
      <div className="row security-actions">
        <Button id={cancelId} variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button
          variant="secondary"
          className="security-danger security-danger--solid"
          onClick={onConfirm}
          pending={pending}
        >
          {pending && pendingLabel ? pendingLabel : confirmLabel}
        </Button>
      </div>
    </Dialog>
  );
}
