/**
 * Query keys of server state that more than one feature reads. Features do not import each
 * other, so the keys they share live here: one cache entry per resource, refreshed by every
 * feature that changes it.
 */
export const sharedKeys = {
  /** GET /api/auth/session: owned by the auth feature, refreshed by any that changes the user. */
  session: () => ['auth', 'session'] as const,
  /** GET /api/mfa: read by the setup wizard, the home page's prompt and the security settings. */
  mfaStatus: () => ['mfa', 'status'] as const,
};
