import type { QueryClient } from '@tanstack/react-query';

/** Query keys the MFA setup feature caches or refreshes; mutations invalidate through these. */
export const mfaSetupKeys = {
  all: ['mfa'] as const,
  status: () => [...mfaSetupKeys.all, 'status'] as const,
  /**
   * The signed-in session belongs to the auth feature. Features do not import each other, so
   * its key is mirrored here; a test checks that the two stay equal.
   */
  session: () => ['auth', 'session'] as const,
};

/** A factor was activated: MFA status changed, and so did the session (aal 2, maybe full scope). */
export async function invalidateAfterEnrollment(queryClient: QueryClient): Promise<void> {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: mfaSetupKeys.status() }),
    queryClient.invalidateQueries({ queryKey: mfaSetupKeys.session() }),
  ]);
}
