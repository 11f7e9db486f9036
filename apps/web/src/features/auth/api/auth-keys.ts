import { sharedKeys } from '../../../api/shared-keys';

/** Query keys for everything the auth feature caches; mutations invalidate through these. */
export const authKeys = {
  all: ['auth'] as const,
  session: sharedKeys.session,
};
