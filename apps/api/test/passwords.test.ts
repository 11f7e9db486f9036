import { describe, expect, it, vi } from 'vitest';
import { argon2Pool, passwordWeakness } from '../src/services/passwords.js';
import { Client, signUp, uniqueEmail, useTestApp } from './helpers/app.js';

const ctx = useTestApp();

describe('password checks', () => {
  it('runs one argon2id verification for an unknown email, as for a known one (no timing oracle)', async () => {
    const { email } = await signUp(ctx.app, ctx.db);
    const verify = vi.spyOn(argon2Pool, 'verify');

    verify.mockClear();
    await new Client(ctx.app).post('/api/auth/login', { email, password: 'wrong password here' });
    expect(verify).toHaveBeenCalledTimes(1);

    verify.mockClear();
    await new Client(ctx.app).post('/api/auth/login', {
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
    const response = await new Client(ctx.app).post('/api/auth/register', {
      email: 'jane.doe@example.com',
      password: 'jane.doe.2024',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('WEAK_PASSWORD');
  });
});
