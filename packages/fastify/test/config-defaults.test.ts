import path from 'node:path';
import { expect, it } from 'vitest';
import { ephemeralSecretEnv, loadConfig } from '../src/index.js';

const quiet = { log: () => {} };
const env = { NODE_ENV: 'production', SMTP_URL: 'smtp://127.0.0.1:2525', ...ephemeralSecretEnv() };

it("keeps its data in the app's working directory, never beside its own files", () => {
  // Installed, the package sits in node_modules: a path relative to its own files would put the
  // database and the development secrets there, to be wiped by the next install.
  expect(loadConfig(env, quiet).dataDir).toBe(path.resolve('.data'));
  expect(loadConfig(env, { ...quiet, defaultDataDir: '/srv/app/data' }).dataDir).toBe(
    '/srv/app/data',
  );
  expect(loadConfig({ ...env, DATA_DIR: 'var/twofold' }, quiet).dataDir).toBe(
    path.resolve('var/twofold'),
  );
});

it('serves no SPA unless the app names one', () => {
  expect(loadConfig(env, quiet).webDistDir).toBeUndefined();
  // A default that does not exist is not served either.
  expect(
    loadConfig(env, { ...quiet, defaultWebDistDir: '/nonexistent/web/dist' }).webDistDir,
  ).toBeUndefined();
});

it("names the app's authenticator entry and mails with APP_NAME, one safe line only", () => {
  expect(loadConfig(env, quiet)).toMatchObject({
    appName: 'Twofold',
    mailFrom: 'Twofold <no-reply@twofold.localhost>',
  });
  expect(loadConfig({ ...env, APP_NAME: '  Tea Shop ' }, quiet)).toMatchObject({
    appName: 'Tea Shop',
    mailFrom: 'Tea Shop <no-reply@twofold.localhost>',
  });
  // ':' separates issuer and account in an otpauth URI; a line break would split a subject.
  for (const bad of ['Tea:Shop', 'Tea\nShop', 'x'.repeat(65)]) {
    expect(() => loadConfig({ ...env, APP_NAME: bad }, quiet), bad).toThrow(/APP_NAME must be/);
  }
});

it('needs SMTP_URL in production unless the app brings its own mail transport', () => {
  const { SMTP_URL: _smtp, ...withoutSmtp } = env;
  expect(() => loadConfig(withoutSmtp, quiet)).toThrow(/without SMTP_URL/);
  expect(loadConfig(withoutSmtp, { ...quiet, ownMailer: true }).smtpUrl).toBeUndefined();
});
