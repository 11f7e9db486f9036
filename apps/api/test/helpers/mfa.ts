import { expect } from 'vitest';
import { generateTotp } from '@twofold/mfa-core';
import type { Client } from './app.js';

/** Enrolls an authenticator app through the API; returns its secret and the backup codes. */
export async function enrollTotp(client: Client) {
  const started = await client.post('/api/mfa/totp', {});
  expect(started.statusCode, started.body).toBe(201);
  const { secret, factorId } = started.json() as { secret: string; factorId: string };
  const confirmed = await client.post('/api/mfa/totp/confirm', {
    code: generateTotp({ secret, now: Date.now() }),
  });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  return { secret, factorId, backupCodes: confirmed.json().backupCodes as string[] };
}

/** Opens the step-up window on the client's session by re-authenticating with a TOTP code. */
export async function stepUp(client: Client, password: string, secret?: string) {
  const body = secret
    ? { password, method: 'totp', code: generateTotp({ secret, now: Date.now() }) }
    : { password };
  const response = await client.post('/api/auth/reauthenticate', body);
  expect(response.statusCode, response.body).toBe(200);
}

/** A time in the next TOTP step (for `vi.setSystemTime`), so a fresh code exists. */
export function nextStep(): number {
  const now = Date.now();
  return now + (30_000 - (now % 30_000)) + 1_000;
}
