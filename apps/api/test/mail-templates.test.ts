import { describe, expect, it } from 'vitest';
import { templates } from '@twofold/fastify/internal';

const samples = {
  verifyEmail: templates.verifyEmail('123456', 15),
  registrationAttempt: templates.registrationAttempt(
    'http://x/sign-in',
    'http://x/forgot-password',
  ),
  passwordResetCode: templates.passwordResetCode(
    '123456',
    15,
    'http://x/reset-password?email=a%40b.c&code=123456',
  ),
  signInCode: templates.signInCode('123456', 10),
  enrollCode: templates.enrollCode('123456', 10),
  stepUpCode: templates.stepUpCode('123456', 10),
  mfaEnabled: templates.mfaEnabled('An authenticator app'),
  mfaDisabled: templates.mfaDisabled(),
  factorAdded: templates.factorAdded('Email codes'),
  factorRemoved: templates.factorRemoved('Email codes'),
  backupCodesRegenerated: templates.backupCodesRegenerated(),
  backupCodeUsed: templates.backupCodeUsed(2),
  totpReplay: templates.totpReplay(),
  newTrustedDevice: templates.newTrustedDevice('Chrome on <Linux>'),
  adminMfaReset: templates.adminMfaReset(),
  passwordChangedByReset: templates.passwordChanged('reset'),
  passwordChangedInSettings: templates.passwordChanged('change'),
  emailChangeCode: templates.emailChangeCode('123456', 15),
  emailChangeAttempt: templates.emailChangeAttempt(),
  emailChanged: templates.emailChanged('new@example.com'),
};

describe('email templates', () => {
  it.each(Object.entries(samples))(
    '%s has a subject, a plain-text part and an HTML part',
    (_name, mail) => {
      expect(mail.subject.length).toBeGreaterThan(5);
      expect(mail.text.length).toBeGreaterThan(20);
      expect(mail.html).toMatch(/^<!doctype html>/);
      // Subjects are logged: they never carry a code.
      expect(mail.subject).not.toMatch(/\d{6}/);
    },
  );

  it('escapes what it puts into HTML', () => {
    expect(samples.newTrustedDevice.html).toContain('Chrome on &#60;Linux&#62;');
    expect(samples.newTrustedDevice.html).not.toContain('<Linux>');
  });

  it('tells the user how many backup codes are left and warns when few remain', () => {
    expect(samples.backupCodeUsed.text).toContain('2 unused codes remain');
    expect(samples.backupCodeUsed.text).toMatch(/running low/);
    expect(templates.backupCodeUsed(1).text).toContain('1 unused code remains');
    expect(templates.backupCodeUsed(8).text).not.toMatch(/running low/);
  });
});
