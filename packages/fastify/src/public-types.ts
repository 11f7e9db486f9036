import type { SessionWithUser } from '@twofold/db';

/**
 * The session behind a request that passed `requireSession`: who is signed in and how.
 * - `aal`: 1 for a password alone, 2 once a second factor was checked (or a trusted browser);
 * - `amr`: how, e.g. `['pwd', 'otp']`;
 * - `scope`: 'full', or 'enroll' while a policy holds the account to setting MFA up;
 * - `reauthenticatedAt`: the last identity check (step-up), if any.
 */
export type TwofoldSession = Pick<
  SessionWithUser,
  | 'id'
  | 'userId'
  | 'email'
  | 'role'
  | 'aal'
  | 'amr'
  | 'scope'
  | 'createdAt'
  | 'reauthenticatedAt'
  | 'mfaEnabled'
>;
