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

/** What Twofold needs to know of one of the app's users. */
export interface TwofoldUser {
  /** The app's own id for the user, as text (1-255 characters); Twofold keys its data by it. */
  id: string;
  /** Where Twofold mails codes and security notices. The app vouches that it reaches the user. */
  email: string;
  /** 'admin' opens Twofold's admin routes; the MFA policy is set per role. Default 'user'. */
  role?: 'user' | 'admin';
}

/** How Twofold reaches an app's own users (`users` option). */
export interface TwofoldUsers {
  /** The user with this id, or null/undefined when there is none. */
  findById(id: string): Promise<TwofoldUser | null | undefined> | TwofoldUser | null | undefined;
  /**
   * Whether `password` is this user's current password: "confirm it's you" (step-up) asks for
   * it before a sensitive change.
   */
  verifyPassword(id: string, password: string): Promise<boolean> | boolean;
}
