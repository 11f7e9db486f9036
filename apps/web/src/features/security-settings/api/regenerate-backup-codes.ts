import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { BackupCodesResponse } from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';
import { useStepUp } from '../../../components/step-up/use-step-up';
import { invalidateStatusAndEvents } from './security-settings-keys';

/** A fresh set of 10 backup codes (step-up); every older code stops working. */
export function regenerateBackupCodes(): Promise<BackupCodesResponse> {
  return api.post<BackupCodesResponse>('/api/mfa/backup-codes', {});
}

export function useRegenerateBackupCodes() {
  const queryClient = useQueryClient();
  const { run } = useStepUp();
  return useMutation({
    mutationFn: () => run(regenerateBackupCodes),
    onSuccess: () => void invalidateStatusAndEvents(queryClient),
  });
}
