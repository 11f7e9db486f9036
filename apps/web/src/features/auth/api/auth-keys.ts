/** Query keys for everything the auth feature caches; mutations invalidate through these. */
export const authKeys = {
  all: ['auth'] as const,
  session: () => [...authKeys.all, 'session'] as const,
};
