import type { QueryClient } from '@tanstack/react-query';
import { invalidateMfaState } from '../../../api/get-mfa-status';
import { sharedKeys } from '../../../api/shared-keys';

/** Query keys for everything the security settings page caches; mutations invalidate through these. */
export const securitySettingsKeys = {
  all: ['security-settings'] as const,
  sessions: () => [...securitySettingsKeys.all, 'sessions'] as const,
  events: () => [...securitySettingsKeys.all, 'events'] as const,
};

/** Backup codes or trusted browsers changed: the MFA status, and the timeline that records it. */
export async function invalidateStatusAndEvents(queryClient: QueryClient): Promise<void> {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: sharedKeys.mfaStatus() }),
    queryClient.invalidateQueries({ queryKey: securitySettingsKeys.events() }),
  ]);
}

/**
 * A change to the account's methods or password (which also ends other sessions and trusted
 * browsers): every list on the page, the MFA status the whole app shares, and the session.
 */
export async function invalidateAfterSecurityChange(queryClient: QueryClient): Promise<void> {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: securitySettingsKeys.all }),
    invalidateMfaState(queryClient),
  ]);
}
