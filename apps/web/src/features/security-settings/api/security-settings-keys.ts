/** Query keys for everything the security settings page caches; mutations invalidate through these. */
export const securitySettingsKeys = {
  all: ['security-settings'] as const,
  mfa: () => [...securitySettingsKeys.all, 'mfa'] as const,
  sessions: () => [...securitySettingsKeys.all, 'sessions'] as const,
  events: () => [...securitySettingsKeys.all, 'events'] as const,
};
