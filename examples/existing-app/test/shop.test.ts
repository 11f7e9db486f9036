import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthenticatedResponse } from '@twofold/mfa-core';
import { PRODUCTS } from '../src/app.js';
import { startShop, type RunningShop } from './helpers.js';

/**
 * The shop as it was, with Twofold added: its sign-up, its password check, its routes, its
 * error format and its cookie all still work, and the sessions are Twofold's.
 */
let shop: RunningShop;

beforeAll(async () => {
  shop = await startShop();
});
afterAll(async () => {
  await shop?.close();
});

const ada = { email: 'Ada@Example.com', name: 'Ada', password: 'tea and biscuits' };

describe('the shop, with Twofold added', () => {
  it('signs a customer up with its own route and table', async () => {
    const browser = shop.browser();
    const created = await browser.post('/signup', ada);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      customer: { id: expect.any(Number), email: 'ada@example.com', name: 'Ada' },
    });
    // The same address again: the shop's own conflict, in its own format.
    const again = await browser.post('/signup', { ...ada, email: 'ada@example.com' });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({
      error: { code: 'EMAIL_TAKEN', message: 'That email already has an account.' },
    });
  });

  it('signs in with its own password check, then guards /orders with the session', async () => {
    const browser = shop.browser();
    const closed = await browser.get('/orders');
    expect(closed.status).toBe(401);
    // Twofold's guard refuses in the shop's error format (its error handler answers).
    expect(closed.body).toEqual({
      error: { code: 'UNAUTHENTICATED', message: expect.any(String) },
    });

    const wrong = await browser.post('/login', { email: ada.email, password: 'coffee' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({
      error: { code: 'WRONG_PASSWORD', message: 'Wrong email or password.' },
    });
    expect(browser.jar.size).toBe(0);

    const signedIn = await browser.post<AuthenticatedResponse>('/login', {
      email: ada.email,
      password: ada.password,
    });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toEqual({
      status: 'authenticated',
      user: {
        id: expect.stringMatching(/^\d+$/),
        email: 'ada@example.com',
        role: 'user',
        emailVerified: true,
        mfaEnabled: false,
      },
    });
    // Development/test cookie names: no __Host- prefix, not Secure.
    expect([...browser.jar.keys()]).toEqual(['twofold_session']);
    expect(signedIn.headers.getSetCookie()[0]).not.toMatch(/Secure/i);

    const orders = await browser.get('/orders');
    expect(orders.status).toBe(200);
    expect(orders.body).toEqual({
      customer: { id: Number(signedIn.body.user.id), email: 'ada@example.com', name: 'Ada' },
      orders: [],
      secondFactor: false,
    });
    // Twofold's own routes answer for the same session.
    const session = await browser.get<{ session: { aal: number } }>('/twofold/auth/session');
    expect(session.status).toBe(200);
    expect(session.body.session.aal).toBe(1);

    const out = await browser.post('/logout');
    expect(out.body).toEqual({ signedOut: true });
    expect(browser.jar.has('twofold_session')).toBe(false);
    expect((await browser.get('/orders')).status).toBe(401);
  });

  it('leaves /products, its 404s and its validation errors as they were', async () => {
    const browser = shop.browser();
    const products = await browser.get('/products');
    expect(products.status).toBe(200);
    expect(products.body).toEqual({ products: PRODUCTS });
    // No Twofold header (no-store) on the shop's own answers.
    expect(products.headers.get('cache-control')).toBeNull();

    const missing = await browser.get('/no-such-page');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error: { code: 'NOT_FOUND', message: 'No such page: GET /no-such-page' },
    });

    const invalid = await browser.post('/signup', { email: 'bob@example.com', name: 'Bob' });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toEqual({ error: { code: 'BAD_REQUEST', message: expect.any(String) } });

    // Twofold's routes keep Twofold's format, under its prefix only.
    const twofoldMissing = await browser.get('/twofold/no-such-page');
    expect(twofoldMissing.status).toBe(404);
    expect(twofoldMissing.body).toEqual({ code: 'NOT_FOUND', message: expect.any(String) });
  });

  it("keeps its own cookie (@fastify/cookie) working beside Twofold's", async () => {
    const browser = shop.browser();
    expect((await browser.post('/cart', { productId: 'tea' })).body).toEqual({ cart: ['tea'] });
    await browser.post('/login', { email: ada.email, password: ada.password });
    expect([...browser.jar.keys()].sort()).toEqual(['cart', 'twofold_session']);
    expect((await browser.post('/cart', { productId: 'mug' })).body).toEqual({
      cart: ['tea', 'mug'],
    });
    expect((await browser.get('/cart')).body).toEqual({ cart: ['tea', 'mug'] });
    expect((await browser.get('/orders')).status).toBe(200);
    await browser.post('/logout');
    // Signing out ends Twofold's session, not the shop's cart.
    expect((await browser.get('/cart')).body).toEqual({ cart: ['tea', 'mug'] });
  });

  it('asks a customer without 2FA only for the password to step up for /payouts', async () => {
    const browser = shop.browser();
    await browser.post('/login', { email: ada.email, password: ada.password });
    const refused = await browser.post('/payouts', { amountCents: 500 });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({
      error: { code: 'STEP_UP_REQUIRED', message: expect.any(String) },
    });
    const confirmed = await browser.post('/twofold/auth/reauthenticate', {
      password: ada.password,
    });
    expect(confirmed.status).toBe(200);
    const paid = await browser.post('/payouts', { amountCents: 500 });
    expect(paid.status).toBe(200);
    expect(paid.body).toEqual({
      payout: { customerId: expect.any(Number), amountCents: 500, status: 'scheduled' },
    });
  });
});
