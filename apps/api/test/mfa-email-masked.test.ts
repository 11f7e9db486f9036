import { beforeAll, describe, expect, it } from 'vitest';
import { signUp, useTestApp } from './helpers/app.js';
import { challengeFor, emailFactorUser, send } from './helpers/security.js';

/**
 * The email-code send answers say where the code went, masked on the server: a client that
 * holds only a sign-in challenge has proved a password, not that it may read the address.
 */

const ctx = useTestApp();
beforeAll(async () => {
  // The first account of a fresh database is an admin: the accounts under test come after it.
  await signUp(ctx.app, ctx.db);
});

describe('masked address in the email-code send answers', () => {
  it('POST /api/auth/mfa/email names the address masked, never whole', async () => {
    const account = await emailFactorUser(ctx.app, ctx.db, `maskme.${Date.now()}@example.com`);
    const cookie = await challengeFor(ctx.app, account.email, account.password);

    const sent = await send(ctx.app, { url: '/api/auth/mfa/email', body: {}, cookie });

    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()).toMatchObject({ status: 'sent', sentTo: 'm•••@example.com' });
    expect(sent.body).not.toContain(account.email);
    expect(sent.body).not.toContain('maskme');
  });

  it('POST /api/auth/reauthenticate/email names it the same way', async () => {
    const account = await emailFactorUser(ctx.app, ctx.db, `stepper.${Date.now()}@example.com`);

    const sent = await account.client.post('/api/auth/reauthenticate/email', {});

    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json().sentTo).toBe('s•••@example.com');
  });
});
