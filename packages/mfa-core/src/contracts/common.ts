import { Type, type Static, type TSchema } from 'typebox';

/**
 * Building blocks shared by the request/response contracts. Browser-safe: TypeBox only.
 * Each schema is exported with a type of the same name.
 */

/** `T | null`, for fields that are always present but may be empty. */
export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}

export const Uuid = Type.String({ format: 'uuid' });
export type Uuid = Static<typeof Uuid>;

/**
 * A user's id: the app's own (Twofold keys its data by it, whatever its type: a UUID, a number
 * written as text, a slug), so any non-empty string up to 255 characters.
 */
export const UserId = Type.String({ minLength: 1, maxLength: 255 });
export type UserId = Static<typeof UserId>;

/** ISO 8601 / RFC 3339 timestamp, always UTC as written by the API (`Date#toISOString`). */
export const Timestamp = Type.String({ format: 'date-time' });
export type Timestamp = Static<typeof Timestamp>;

export const EmailAddress = Type.String({
  format: 'email',
  maxLength: 254,
  description: 'Email address',
});
export type EmailAddress = Static<typeof EmailAddress>;

/** A password being set: the length policy applies. */
export const NewPassword = Type.String({
  minLength: 8,
  maxLength: 128,
  description: 'At least 8 and at most 128 characters',
});
export type NewPassword = Static<typeof NewPassword>;

/**
 * A password being presented (sign-in, step-up). Only the upper bound is checked, so a wrong
 * password of any length gets the same INVALID_CREDENTIALS answer as any other wrong password.
 */
export const CurrentPassword = Type.String({ minLength: 1, maxLength: 128 });
export type CurrentPassword = Static<typeof CurrentPassword>;

/** A code as typed by the user; the server normalises spaces, dashes and case. */
export const VerificationCode = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'Code as typed by the user',
});
export type VerificationCode = Static<typeof VerificationCode>;

/** Opaque pagination cursor from a previous page's `nextCursor`. */
export const Cursor = Type.String({ minLength: 1, maxLength: 512 });
export type Cursor = Static<typeof Cursor>;

export const UserRole = Type.Union([Type.Literal('user'), Type.Literal('admin')]);
export type UserRole = Static<typeof UserRole>;

export const MfaMethod = Type.Union(
  [Type.Literal('totp'), Type.Literal('email'), Type.Literal('backup_code')],
  {
    description: 'Second-factor method',
  },
);
export type MfaMethod = Static<typeof MfaMethod>;

/** Kinds of enrollable factors (backup codes come with MFA, they are not a factor of their own). */
export const FactorType = Type.Union([Type.Literal('totp'), Type.Literal('email')]);
export type FactorType = Static<typeof FactorType>;

/** Authenticator assurance level (NIST 800-63B): 1 = password only, 2 = password + second factor. */
export const AssuranceLevel = Type.Union([Type.Literal(1), Type.Literal(2)]);
export type AssuranceLevel = Static<typeof AssuranceLevel>;

export const PolicyStatus = Type.Union([
  Type.Literal('not_required'),
  Type.Literal('satisfied'),
  Type.Literal('grace'),
  Type.Literal('enforced'),
]);
export type PolicyStatus = Static<typeof PolicyStatus>;

const publicUserProperties = {
  id: UserId,
  email: EmailAddress,
  role: UserRole,
  emailVerified: Type.Boolean(),
  mfaEnabled: Type.Boolean(),
};

export const PublicUser = Type.Object(publicUserProperties, { title: 'PublicUser' });
export type PublicUser = Static<typeof PublicUser>;

/** PublicUser plus the end of the MFA grace period when the policy is counting down. */
export const SessionUser = Type.Object(
  { ...publicUserProperties, mfaGraceEndsAt: Type.Optional(Nullable(Timestamp)) },
  { title: 'SessionUser' },
);
export type SessionUser = Static<typeof SessionUser>;

export const SessionInfo = Type.Object(
  {
    id: Uuid,
    aal: AssuranceLevel,
    amr: Type.Array(Type.String(), {
      description: 'Authentication method references (RFC 8176), e.g. ["pwd", "otp"]',
    }),
    scope: Type.Union([Type.Literal('full'), Type.Literal('enroll_only')], {
      description: "'enroll_only' when policy requires MFA and the grace period is over",
    }),
    createdAt: Timestamp,
    reauthenticatedAt: Nullable(Timestamp),
  },
  { title: 'SessionInfo' },
);
export type SessionInfo = Static<typeof SessionInfo>;

/** The body of a call that needs no input (sign-out, resend); no body at all is accepted too. */
export const EmptyBody = Type.Object({}, { additionalProperties: false, title: 'EmptyBody' });
export type EmptyBody = Static<typeof EmptyBody>;
