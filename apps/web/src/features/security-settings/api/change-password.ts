import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ChangePasswordBody, ChangePasswordResponse } from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';
import { useStepUp } from '../../../components/step-up/use-step-up';
import { invalidateAfterSecurityChange } from './security-settings-keys';

/** Changes the password (step-up); other sessions and every trusted browser end with it. */
export function changePassword(body: ChangePasswordBody): Promise<ChangePasswordResponse> {
  return api.post<ChangePasswordResponse>('/api/account/password', body);
}

export function useChangePassword() {
  const queryClient = useQueryClient();
  const { run } = useStepUp();
  return useMutation({
    // The form took the current password: "Confirm it's you" asks only for a code.
    mutationFn: (body: ChangePasswordBody) =>
      run(() => changePassword(body), { password: body.currentPassword }),
    onSuccess: () => invalidateAfterSecurityChange(queryClient),
  });
}
