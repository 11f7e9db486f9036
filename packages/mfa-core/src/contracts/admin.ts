import { Type, type Static } from 'typebox';
import {
  Cursor,
  EmailAddress,
  FactorType,
  Nullable,
  PolicyStatus,
  Timestamp,
  UserRole,
  UserId,
} from './common.js';
import { SecurityEventsResponse } from './security.js';

/** Contracts of /api/admin/*: per-role MFA policy and user management. */

const rolePolicyProperties = {
  role: UserRole,
  required: Type.Boolean({ description: 'Whether users with this role must use MFA' }),
  graceDays: Type.Integer({
    minimum: 0,
    maximum: 365,
    description: 'Days to enroll before sign-in is restricted',
  }),
};

export const RolePolicy = Type.Object(rolePolicyProperties, {
  additionalProperties: false,
  title: 'RolePolicy',
});
export type RolePolicy = Static<typeof RolePolicy>;

export const RolePolicyState = Type.Object(
  {
    ...rolePolicyProperties,
    requiredSince: Nullable(Timestamp),
  },
  { title: 'RolePolicyState' },
);
export type RolePolicyState = Static<typeof RolePolicyState>;

export const MfaPolicyResponse = Type.Object(
  { roles: Type.Array(RolePolicyState) },
  { title: 'MfaPolicyResponse' },
);
export type MfaPolicyResponse = Static<typeof MfaPolicyResponse>;

export const MfaPolicyBody = Type.Object(
  { roles: Type.Array(RolePolicy, { minItems: 1, maxItems: 2 }) },
  { additionalProperties: false, title: 'MfaPolicyBody' },
);
export type MfaPolicyBody = Static<typeof MfaPolicyBody>;

export const AdminUser = Type.Object(
  {
    id: UserId,
    email: EmailAddress,
    role: UserRole,
    emailVerified: Type.Boolean(),
    mfaEnabled: Type.Boolean(),
    factors: Type.Array(FactorType, { description: 'Active factor types' }),
    createdAt: Timestamp,
    policyStatus: PolicyStatus,
  },
  { title: 'AdminUser' },
);
export type AdminUser = Static<typeof AdminUser>;

export const AdminUsersQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(Cursor),
    q: Type.Optional(Type.String({ maxLength: 254, description: 'Filter by email (substring)' })),
  },
  { title: 'AdminUsersQuery' },
);
export type AdminUsersQuery = Static<typeof AdminUsersQuery>;

export const AdminUsersResponse = Type.Object(
  { users: Type.Array(AdminUser), nextCursor: Nullable(Cursor) },
  { title: 'AdminUsersResponse' },
);
export type AdminUsersResponse = Static<typeof AdminUsersResponse>;

export const UserIdParams = Type.Object({ id: UserId });
export type UserIdParams = Static<typeof UserIdParams>;

/** A user's security timeline as seen by an admin; the same shape as the user's own. */
export const AdminUserEventsResponse = SecurityEventsResponse;
export type AdminUserEventsResponse = Static<typeof AdminUserEventsResponse>;
