import { Type, type Static } from 'typebox';
import {
  CurrentPassword,
  EmailAddress,
  NewPassword,
  PublicUser,
  Timestamp,
  VerificationCode,
} from './common.js';

/** Contracts of /api/account/*. */

export const ChangePasswordBody = Type.Object(
  { currentPassword: CurrentPassword, newPassword: NewPassword },
  { additionalProperties: false, title: 'ChangePasswordBody' },
);
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

export const ChangePasswordResponse = Type.Object(
  { status: Type.Literal('password_changed') },
  { title: 'ChangePasswordResponse' },
);
export type ChangePasswordResponse = Static<typeof ChangePasswordResponse>;

export const ChangeEmailBody = Type.Object(
  { email: EmailAddress },
  { additionalProperties: false, title: 'ChangeEmailBody' },
);
export type ChangeEmailBody = Static<typeof ChangeEmailBody>;

/** A code was sent to the new address; the change waits for it. */
export const EmailChangePendingResponse = Type.Object(
  {
    status: Type.Literal('verification_required'),
    email: EmailAddress,
    expiresAt: Timestamp,
    resendAvailableAt: Timestamp,
  },
  { title: 'EmailChangePendingResponse' },
);
export type EmailChangePendingResponse = Static<typeof EmailChangePendingResponse>;

export const ConfirmEmailChangeBody = Type.Object(
  { code: VerificationCode },
  { additionalProperties: false, title: 'ConfirmEmailChangeBody' },
);
export type ConfirmEmailChangeBody = Static<typeof ConfirmEmailChangeBody>;

export const EmailChangedResponse = Type.Object(
  { status: Type.Literal('email_changed'), user: PublicUser },
  { title: 'EmailChangedResponse' },
);
export type EmailChangedResponse = Static<typeof EmailChangedResponse>;
