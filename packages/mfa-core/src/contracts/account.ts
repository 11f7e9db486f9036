import { Type, type Static } from 'typebox';
import { CurrentPassword, NewPassword } from './common.js';

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
