import { useMutation, useQueryClient } from '@tanstack/react-query';
import type {
  ChangeEmailBody,
  ConfirmEmailChangeBody,
  EmailChangedResponse,
  EmailChangePendingResponse,
} from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';
import { useStepUp } from '../../../components/step-up/use-step-up';

/** Asks for a new email address (step-up): a 6-digit code goes to that address. */
export function requestEmailChange(body: ChangeEmailBody): Promise<EmailChangePendingResponse> {
  return api.post<EmailChangePendingResponse>('/api/account/email', body);
}

/** Confirms the new address with the code sent to it; the address changes now. */
export function confirmEmailChange(body: ConfirmEmailChangeBody): Promise<EmailChangedResponse> {
  return api.post<EmailChangedResponse>('/api/account/email/verify', body);
}

export function useRequestEmailChange() {
  const { run } = useStepUp();
  return useMutation({
    mutationFn: (body: ChangeEmailBody) => run(() => requestEmailChange(body)),
  });
}

export function useConfirmEmailChange() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: confirmEmailChange,
    // The address shows across the app (the session, the account page, the timeline): refetch
    // everything on screen rather than reach into other features' query keys.
    onSuccess: () => queryClient.invalidateQueries(),
  });
}
