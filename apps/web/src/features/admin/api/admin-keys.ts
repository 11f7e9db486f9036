/** Query keys for everything the admin feature caches; mutations invalidate through these. */
export const adminKeys = {
  all: ['admin'] as const,
  policy: () => [...adminKeys.all, 'policy'] as const,
  users: () => [...adminKeys.all, 'users'] as const,
  userList: (q: string) => [...adminKeys.users(), 'list', { q }] as const,
  userEvents: (userId: string) => [...adminKeys.users(), userId, 'events'] as const,
};
