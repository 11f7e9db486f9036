import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnApi, type ApiProcess } from './harness/api-process.js';
import { enrollTotp, openSql, passwordStep, signUp, totpCode, type Sql } from './harness/flows.js';
import { startPostgres, type PostgresServer } from '@twofold/db/postgres-server';

let pg: PostgresServer;
let api: ApiProcess;
let sql: Sql;

beforeAll(async () => {
  pg = await startPostgres();
  api = await spawnApi({ databaseUrl: pg.url });
  sql = openSql(pg.url);
});
afterAll(async () => {
  await sql?.end();
  await api?.stop();
  await pg?.destroy();
});

it('signs up, enrolls TOTP and signs in with the next code over real HTTP', async () => {
  const user = await signUp(api.url, sql);
  const { secret } = await enrollTotp(user.client);
  const { client, status } = await passwordStep(api.url, user.email);
  expect(status).toBe('mfa_required');
  const verified = await client.post('/api/auth/mfa/verify', {
    method: 'totp',
    code: totpCode(secret, 1),
  });
  expect(verified.status, verified.text).toBe(200);
  expect(api.rssKiB()).toBeGreaterThan(10_000);
});
