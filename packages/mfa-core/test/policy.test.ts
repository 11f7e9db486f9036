import { describe, expect, it } from 'vitest';
import { DEFAULT_GRACE_DAYS, evaluateMfaPolicy, type RoleMfaPolicy } from '../src/index.js';

const DAY = 24 * 60 * 60 * 1000;
const REQUIRED_SINCE = new Date('2025-03-01T00:00:00.000Z');
const OLD_USER = new Date('2024-01-01T00:00:00.000Z');
const required = (
  graceDays = DEFAULT_GRACE_DAYS,
  requiredSince: Date | null = REQUIRED_SINCE,
): RoleMfaPolicy => ({
  required: true,
  graceDays,
  requiredSince,
});

describe('evaluateMfaPolicy', () => {
  it('defaults to a 7-day grace period', () => {
    expect(DEFAULT_GRACE_DAYS).toBe(7);
  });

  it('is not_required when the role does not require MFA, whatever the user has', () => {
    const policy = { required: false, graceDays: 7, requiredSince: null };
    for (const mfaEnabled of [true, false]) {
      expect(
        evaluateMfaPolicy({ policy, userCreatedAt: OLD_USER, mfaEnabled, now: Date.now() }),
      ).toEqual({
        status: 'not_required',
        graceEndsAt: null,
      });
    }
  });

  it('is satisfied when required and enabled, even long after the grace period', () => {
    const now = REQUIRED_SINCE.getTime() + 365 * DAY;
    expect(
      evaluateMfaPolicy({ policy: required(), userCreatedAt: OLD_USER, mfaEnabled: true, now }),
    ).toEqual({
      status: 'satisfied',
      graceEndsAt: null,
    });
  });

  describe('for an existing user, grace counts from when the rule was switched on', () => {
    const graceEndsAt = new Date(REQUIRED_SINCE.getTime() + 7 * DAY);
    const at = (now: number) =>
      evaluateMfaPolicy({ policy: required(), userCreatedAt: OLD_USER, mfaEnabled: false, now });

    it('is grace right after the switch', () => {
      expect(at(REQUIRED_SINCE.getTime())).toEqual({ status: 'grace', graceEndsAt });
    });

    it('is grace one millisecond before the end', () => {
      expect(at(graceEndsAt.getTime() - 1)).toEqual({ status: 'grace', graceEndsAt });
    });

    it('is enforced from the exact end', () => {
      expect(at(graceEndsAt.getTime())).toEqual({ status: 'enforced', graceEndsAt });
      expect(at(graceEndsAt.getTime() + 30 * DAY)).toEqual({ status: 'enforced', graceEndsAt });
    });
  });

  it('gives a user created after the switch the full grace period from sign-up', () => {
    const createdAt = new Date(REQUIRED_SINCE.getTime() + 30 * DAY);
    const graceEndsAt = new Date(createdAt.getTime() + 7 * DAY);
    const evaluate = (now: number) =>
      evaluateMfaPolicy({ policy: required(), userCreatedAt: createdAt, mfaEnabled: false, now });
    expect(evaluate(createdAt.getTime() + 6 * DAY)).toEqual({ status: 'grace', graceEndsAt });
    expect(evaluate(graceEndsAt.getTime())).toEqual({ status: 'enforced', graceEndsAt });
  });

  it('counts from account creation when requiredSince is unknown', () => {
    const graceEndsAt = new Date(OLD_USER.getTime() + 7 * DAY);
    expect(
      evaluateMfaPolicy({
        policy: required(7, null),
        userCreatedAt: OLD_USER,
        mfaEnabled: false,
        now: OLD_USER.getTime(),
      }),
    ).toEqual({ status: 'grace', graceEndsAt });
  });

  it('enforces at once with zero grace days', () => {
    expect(
      evaluateMfaPolicy({
        policy: required(0),
        userCreatedAt: OLD_USER,
        mfaEnabled: false,
        now: REQUIRED_SINCE.getTime(),
      }),
    ).toEqual({ status: 'enforced', graceEndsAt: REQUIRED_SINCE });
  });

  it('honours the configured number of days', () => {
    const result = evaluateMfaPolicy({
      policy: required(30),
      userCreatedAt: OLD_USER,
      mfaEnabled: false,
      now: REQUIRED_SINCE.getTime() + 29 * DAY,
    });
    expect(result).toEqual({
      status: 'grace',
      graceEndsAt: new Date(REQUIRED_SINCE.getTime() + 30 * DAY),
    });
  });

  it('keeps out-of-range grace days within 0..365', () => {
    const evaluate = (graceDays: number) =>
      evaluateMfaPolicy({
        policy: required(graceDays),
        userCreatedAt: OLD_USER,
        mfaEnabled: false,
        now: 0,
      }).graceEndsAt;
    expect(evaluate(-5)).toEqual(REQUIRED_SINCE);
    expect(evaluate(10_000)).toEqual(new Date(REQUIRED_SINCE.getTime() + 365 * DAY));
  });
});
