import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDbClient } from '@twofold/db/testing';
import type { DbClient } from '@twofold/db';
import type { App } from '../src/app.js';
import { argon2Pool, passwordWeakness } from '../src/services/passwords.js';
import { buildTestApp, Client, signUp, uniqueEmail } from './helpers/app.js';

let db: DbClient;
let app: App;
beforeAll(async () => {
  db = await createTestDbClient();
  app = await buildTestApp(db);
});
afterAll(async () => {
  await app?.close();
  await db?.close();
});

describe('password checks', () => {
  it('runs one argon2id verification for an unknown email, as for a known one (no timing oracle)', async () => {
    const { email } = await signUp(app, db);
    const verify = vi.spyOn(argon2Pool, 'verify');

    verify.mockClear();
    await new Client(app).post('/api/auth/login', { email, password: 'wrong password here' });
    expect(verify).toHaveBeenCalledTimes(1);

    verify.mockClear();
    await new Client(app).post('/api/auth/login', {
      email: uniqueEmail('ghost'),
      password: 'wrong password here',
    });
    expect(verify).toHaveBeenCalledTimes(1);
    expect(verify.mock.calls[0]?.[0]).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('refuses passwords built from the email or with almost no variety', async () => {
    expect(passwordWeakness('jane.doe.2024', 'jane.doe@example.com')).toMatch(/email/);
    expect(passwordWeakness('jane.doe@example.com', 'jane.doe@example.com')).toMatch(/email/);
    expect(passwordWeakness('abababab', 'x@example.com')).toMatch(/variety/);
    expect(passwordWeakness('correct horse battery', 'jane@example.com')).toBeNull();
    const response = await new Client(app).post('/api/auth/register', {
      email: 'jane.doe@example.com',
      password: 'jane.doe.2024',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('WEAK_PASSWORD');
  });
});
