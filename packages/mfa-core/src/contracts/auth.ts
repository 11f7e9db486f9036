import { Type, type Static } from 'typebox';
import {
  CurrentPassword,
  EmailAddress,
  MfaMethod,
  NewPassword,
  PublicUser,
  SessionInfo,
  SessionUser,
  Timestamp,
  VerificationCode,
} from './common.js';

/** Contracts of /api/auth/*: registration, two-step sign-in, session, step-up, password reset. */

export const RegisterBody = Type.Object(
  { email: EmailAddress, password: NewPassword },
  { additionalProperties: false, title: 'RegisterBody' },
);
export type RegisterBody = Static<typeof RegisterBody>;

export const VerificationRequiredResponse = Type.Object(
  {
    status: Type.Literal('verification_required'),
    expiresAt: Timestamp,
    resendAvailableAt: Timestamp,
  },
  {
    title: 'VerificationRequiredResponse',
    description: 'A code was emailed; submit it to finish signing up.',
  },
);
export type VerificationRequiredResponse = Static<typeof VerificationRequiredResponse>;

export const VerifyCodeBody = Type.Object(
  { code: VerificationCode },
  { additionalProperties: false, title: 'VerifyCodeBody' },
);
export type VerifyCodeBody = Static<typeof VerifyCodeBody>;

export const ResendVerificationBody = Type.Object(
  {},
  { additionalProperties: false, title: 'ResendVerificationBody' },
);
export type ResendVerificationBody = Static<typeof ResendVerificationBody>;

export const AuthenticatedResponse = Type.Object(
  { status: Type.Literal('authenticated'), user: PublicUser },
  { title: 'AuthenticatedResponse' },
);
export type AuthenticatedResponse = Static<typeof AuthenticatedResponse>;

export const LoginBody = Type.Object(
  { email: EmailAddress, password: CurrentPassword },
  { additionalProperties: false, title: 'LoginBody' },
);
export type LoginBody = Static<typeof LoginBody>;

export const MfaRequiredResponse = Type.Object(
  {
    status: Type.Literal('mfa_required'),
    methods: Type.Array(MfaMethod, { description: 'Methods the user can complete sign-in with' }),
    expiresAt: Timestamp,
  },
  { title: 'MfaRequiredResponse', description: 'Password accepted; a second factor is needed.' },
);
export type MfaRequiredResponse = Static<typeof MfaRequiredResponse>;

export const MfaSetupRequiredResponse = Type.Object(
  { status: Type.Literal('mfa_setup_required'), user: PublicUser, graceEndedAt: Timestamp },
  {
    title: 'MfaSetupRequiredResponse',
    description:
      'Signed in with a session that can only enroll a second factor (policy grace period over).',
  },
);
export type MfaSetupRequiredResponse = Static<typeof MfaSetupRequiredResponse>;

export const LoginResponse = Type.Union(
  [
    AuthenticatedResponse,
    MfaRequiredResponse,
    MfaSetupRequiredResponse,
    VerificationRequiredResponse,
  ],
  { title: 'LoginResponse' },
);
export type LoginResponse = Static<typeof LoginResponse>;

export const MfaVerifyBody = Type.Object(
  {
    method: MfaMethod,
    code: VerificationCode,
    trustDevice: Type.Optional(
      Type.Boolean({ description: 'Skip the second step on this browser for 30 days' }),
    ),
  },
  { additionalProperties: false, title: 'MfaVerifyBody' },
);
export type MfaVerifyBody = Static<typeof MfaVerifyBody>;

export const MfaEmailSendResponse = Type.Object(
  {
    status: Type.Literal('sent'),
    expiresAt: Timestamp,
    resendAvailableAt: Timestamp,
    sentTo: Type.String({
      description:
        'Where the code went, masked (a•••@example.com): the person recognises their address, a ' +
        'client holding only a sign-in challenge never learns it.',
      examples: ['a•••@example.com'],
    }),
  },
  { title: 'MfaEmailSendResponse' },
);
export type MfaEmailSendResponse = Static<typeof MfaEmailSendResponse>;

export const SessionResponse = Type.Object(
  { user: SessionUser, session: SessionInfo },
  { title: 'SessionResponse' },
);
export type SessionResponse = Static<typeof SessionResponse>;

export const LogoutResponse = Type.Object(
  { status: Type.Literal('signed_out') },
  { title: 'LogoutResponse' },
);
export type LogoutResponse = Static<typeof LogoutResponse>;

export const ReauthenticateBody = Type.Object(
  {
    password: CurrentPassword,
    method: Type.Optional(MfaMethod),
    code: Type.Optional(VerificationCode),
  },
  {
    additionalProperties: false,
    title: 'ReauthenticateBody',
    description:
      'method and code are required when the user has MFA enabled, and ignored otherwise.',
  },
);
export type ReauthenticateBody = Static<typeof ReauthenticateBody>;

export const ReauthenticateResponse = Type.Object(
  {
    reauthenticatedAt: Timestamp,
    expiresAt: Timestamp,
  },
  {
    title: 'ReauthenticateResponse',
    description: 'Sensitive actions are allowed until expiresAt.',
  },
);
export type ReauthenticateResponse = Static<typeof ReauthenticateResponse>;

export const ForgotPasswordBody = Type.Object(
  { email: EmailAddress },
  { additionalProperties: false, title: 'ForgotPasswordBody' },
);
export type ForgotPasswordBody = Static<typeof ForgotPasswordBody>;

export const ForgotPasswordResponse = Type.Object(
  { status: Type.Literal('sent'), message: Type.String() },
  {
    title: 'ForgotPasswordResponse',
    description: 'Same answer whether or not the address has an account.',
  },
);
export type ForgotPasswordResponse = Static<typeof ForgotPasswordResponse>;

export const ResetPasswordBody = Type.Object(
  { email: EmailAddress, code: VerificationCode, password: NewPassword },
  { additionalProperties: false, title: 'ResetPasswordBody' },
);
export type ResetPasswordBody = Static<typeof ResetPasswordBody>;

export const ResetPasswordResponse = Type.Object(
  { status: Type.Literal('password_reset') },
  { title: 'ResetPasswordResponse' },
);
export type ResetPasswordResponse = Static<typeof ResetPasswordResponse>;
