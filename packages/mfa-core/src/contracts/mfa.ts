import { Type, type Static } from 'typebox';
import {
  FactorType,
  MfaMethod,
  Nullable,
  PolicyStatus,
  Timestamp,
  Uuid,
  VerificationCode,
} from './common.js';

/** Contracts of /api/mfa/*: status, enrollment, removal, backup codes, trusted devices. */

export const Factor = Type.Object(
  {
    id: Uuid,
    type: FactorType,
    status: Type.Union([Type.Literal('pending'), Type.Literal('active')]),
    createdAt: Timestamp,
    confirmedAt: Nullable(Timestamp),
    lastUsedAt: Nullable(Timestamp),
  },
  { title: 'Factor' },
);
export type Factor = Static<typeof Factor>;

export const TrustedDevice = Type.Object(
  {
    id: Uuid,
    label: Type.String({ description: 'Browser and OS, e.g. "Firefox on macOS"' }),
    createdAt: Timestamp,
    lastUsedAt: Nullable(Timestamp),
    expiresAt: Timestamp,
    current: Type.Boolean({ description: 'True for the browser making this request' }),
  },
  { title: 'TrustedDevice' },
);
export type TrustedDevice = Static<typeof TrustedDevice>;

export const MfaPolicyState = Type.Object(
  { required: Type.Boolean(), status: PolicyStatus, graceEndsAt: Nullable(Timestamp) },
  { title: 'MfaPolicyState' },
);
export type MfaPolicyState = Static<typeof MfaPolicyState>;

export const MfaStatusResponse = Type.Object(
  {
    enabled: Type.Boolean(),
    factors: Type.Array(Factor),
    backupCodesRemaining: Type.Integer({ minimum: 0 }),
    trustedDevices: Type.Array(TrustedDevice),
    policy: MfaPolicyState,
  },
  { title: 'MfaStatusResponse' },
);
export type MfaStatusResponse = Static<typeof MfaStatusResponse>;

export const TotpEnrollResponse = Type.Object(
  {
    factorId: Uuid,
    secret: Type.String({
      description: 'Base32 secret for manual entry; shown only during enrollment',
    }),
    otpauthUri: Type.String({ pattern: '^otpauth://totp/' }),
    qrCode: Type.String({
      pattern: '^data:image/png;base64,',
      description: 'QR code of otpauthUri as a data URL',
    }),
  },
  { title: 'TotpEnrollResponse' },
);
export type TotpEnrollResponse = Static<typeof TotpEnrollResponse>;

export const TotpConfirmBody = Type.Object(
  { code: VerificationCode },
  { additionalProperties: false, title: 'TotpConfirmBody' },
);
export type TotpConfirmBody = Static<typeof TotpConfirmBody>;

export const FactorConfirmResponse = Type.Object(
  {
    factor: Factor,
    backupCodes: Type.Optional(
      Type.Array(Type.String(), {
        description: 'Present (10 codes, shown once) when this turned MFA on',
      }),
    ),
  },
  { title: 'FactorConfirmResponse' },
);
export type FactorConfirmResponse = Static<typeof FactorConfirmResponse>;

export const EmailFactorStartResponse = Type.Object(
  {
    factorId: Uuid,
    status: Type.Literal('sent'),
    expiresAt: Timestamp,
    resendAvailableAt: Timestamp,
  },
  { title: 'EmailFactorStartResponse' },
);
export type EmailFactorStartResponse = Static<typeof EmailFactorStartResponse>;

export const EmailFactorConfirmBody = Type.Object(
  { code: VerificationCode },
  { additionalProperties: false, title: 'EmailFactorConfirmBody' },
);
export type EmailFactorConfirmBody = Static<typeof EmailFactorConfirmBody>;

export const FactorIdParams = Type.Object({ id: Uuid });
export type FactorIdParams = Static<typeof FactorIdParams>;

/**
 * A current code (method and code, together or not at all). It may be left out right after the
 * session confirmed identity (POST /api/auth/reauthenticate, under 5 minutes ago) or when the
 * request's X-TOTP-Code header proves step-up; otherwise the answer is 403 CODE_REQUIRED.
 */
export const DisableMfaBody = Type.Object(
  { method: Type.Optional(MfaMethod), code: Type.Optional(VerificationCode) },
  {
    additionalProperties: false,
    title: 'DisableMfaBody',
    dependencies: { method: ['code'], code: ['method'] },
  },
);
export type DisableMfaBody = Static<typeof DisableMfaBody>;

export const BackupCodesResponse = Type.Object(
  {
    backupCodes: Type.Array(Type.String(), { description: 'Shown once; each works a single time' }),
  },
  { title: 'BackupCodesResponse' },
);
export type BackupCodesResponse = Static<typeof BackupCodesResponse>;

export const TrustedDevicesResponse = Type.Object(
  { devices: Type.Array(TrustedDevice) },
  { title: 'TrustedDevicesResponse' },
);
export type TrustedDevicesResponse = Static<typeof TrustedDevicesResponse>;

export const DeviceIdParams = Type.Object({ id: Uuid });
export type DeviceIdParams = Static<typeof DeviceIdParams>;

export const OkResponse = Type.Object({ status: Type.Literal('ok') }, { title: 'OkResponse' });
export type OkResponse = Static<typeof OkResponse>;
