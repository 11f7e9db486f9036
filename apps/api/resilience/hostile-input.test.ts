import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isErrorCode } from '@twofold/mfa-core';
import { LIMITS } from '../src/app.js';
import { spawnApi, type ApiProcess } from './harness/api-process.js';
import { startPostgres, type PostgresServer } from '@twofold/db/postgres-server';
import { rawExchange, type RawAnswer } from './harness/raw-http.js';

/**
 * Hostile requests over real TCP to a spawned API: bodies and headers beyond the limits declared
 * in `LIMITS`, pathological JSON and invalid bytes. Each gets a 4xx, and the process keeps
 * serving afterwards.
 */

let pg: PostgresServer;
let api: ApiProcess;

beforeAll(async () => {
  pg = await startPostgres();
  api = await spawnApi({ databaseUrl: pg.url });
});
afterAll(async () => {
  const histogram = Object.entries(statuses).map(([status, n]) => `${status}:${n}`);
  // eslint-disable-next-line no-console -- the suite's summary line
  console.log(
    `[resilience] hostile input: ${Object.values(statuses).reduce((a, b) => a + b, 0)} ` +
      `raw requests, statuses ${histogram.join(' ')}; /api/health answered after every test; ` +
      `API RSS ${Math.round(api.rssKiB() / 1024)} MiB`,
  );
  await api?.stop();
  await pg?.destroy();
});

// After every hostile request: still alive, still answering, and nothing logged as a failure.
afterEach(async () => {
  expect(api.child.exitCode, api.output()).toBeNull();
  const health = await fetch(`${api.url}/api/health`, { signal: AbortSignal.timeout(10_000) });
  expect(health.status).toBe(200);
  expect(api.output()).not.toMatch(/"level":(50|60)/);
});

const statuses: Record<number, number> = {};
/** Every hostile request goes through here, so the summary counts what the API answered. */
async function exchange(
  request: Parameters<typeof rawExchange>[1],
  options?: Parameters<typeof rawExchange>[2],
) {
  const answer = await rawExchange(api.port, request, options);
  statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
  return answer;
}

function head(method: string, path: string, headers: string[] = []) {
  return [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...headers]
    .join('\r\n')
    .concat('\r\n\r\n');
}

/** A JSON POST with an honest Content-Length, written in 16 KiB pieces. */
function postJson(path: string, body: Buffer | string, headers: string[] = []) {
  const bytes = Buffer.from(body);
  const pieces = [];
  for (let at = 0; at < bytes.length; at += 16 * 1024) pieces.push(bytes.subarray(at, at + 16384));
  const start = head('POST', path, [
    'Content-Type: application/json',
    `Content-Length: ${bytes.length}`,
    ...headers,
  ]);
  return exchange([start, ...pieces], { gapMs: 20 });
}

/** A 4xx whose body is `{ code, message }` with a code from the error table. */
function expectStableClientError(answer: RawAnswer, status?: number, code?: string) {
  expect(answer.timedOut, answer.text.slice(0, 500)).toBe(false);
  if (status !== undefined) expect(answer.status, answer.text.slice(0, 500)).toBe(status);
  expect(answer.status).toBeGreaterThanOrEqual(400);
  expect(answer.status).toBeLessThan(500);
  expect(isErrorCode(answer.json?.code), answer.text.slice(0, 500)).toBe(true);
  if (code !== undefined) expect(answer.json.code).toBe(code);
}

describe('bodies beyond LIMITS.bodyLimit', () => {
  /** A login body of exactly `bytes` bytes. */
  const filler = (bytes: number) => {
    const [start, end] = ['{"email":"a@example.com","password":"', '"}'];
    return start + 'x'.repeat(bytes - start.length - end.length) + end;
  };

  it.each(['/api/auth/login', '/api/auth/register', '/api/auth/password/forgot'])(
    'answers 413 PAYLOAD_TOO_LARGE to one byte over the limit on %s (and not at the limit)',
    async (path) => {
      expectStableClientError(await postJson(path, filler(LIMITS.bodyLimit)), 400);
      const body = filler(LIMITS.bodyLimit + 1);
      expectStableClientError(await postJson(path, body), 413, 'PAYLOAD_TOO_LARGE');
    },
  );

  it('answers 413 to a 4 MiB body without reading it all first', async () => {
    const started = Date.now();
    expectStableClientError(
      await postJson('/api/auth/login', filler(4 * 1024 * 1024)),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('answers 413 to a chunked body that grows past the limit (no Content-Length to trust)', async () => {
    const chunk = `4000\r\n${'y'.repeat(0x4000)}\r\n`;
    const chunks = Array.from({ length: Math.ceil(LIMITS.bodyLimit / 0x4000) + 2 }, () => chunk);
    const start = head('POST', '/api/auth/login', [
      'Content-Type: application/json',
      'Transfer-Encoding: chunked',
    ]);
    const answer = await exchange([start, ...chunks, '0\r\n\r\n'], { gapMs: 20 });
    expectStableClientError(answer, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers 413 at once to a Content-Length of 1 GiB that is never sent', async () => {
    const start = head('POST', '/api/auth/login', [
      'Content-Type: application/json',
      `Content-Length: ${1024 ** 3}`,
    ]);
    const answer = await exchange([start, '{"email":'], {
      timeoutMs: 10_000,
      gapMs: 200,
    });
    expectStableClientError(answer, 413, 'PAYLOAD_TOO_LARGE');
  });
});

describe('deeply nested JSON within the body limit', () => {
  const cases: [string, string][] = [
    ['30,000 nested arrays', '['.repeat(30_000) + ']'.repeat(30_000)],
    ['10,000 nested objects', '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)],
    ['4,500 nested __proto__ keys', '{"__proto__":'.repeat(4_500) + '{}' + '}'.repeat(4_500)],
    [
      'a valid shape with 8,000 levels in one field',
      `{"email":"a@example.com","password":${'['.repeat(8_000)}${']'.repeat(8_000)}}`,
    ],
    ['30,000 unclosed arrays', '['.repeat(30_000)],
  ];

  it.each(cases)('answers %s with a 4xx and a stable code', async (_label, body) => {
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(LIMITS.bodyLimit);
    for (const path of ['/api/auth/login', '/api/auth/register', '/api/auth/mfa/verify']) {
      expectStableClientError(await postJson(path, body));
    }
  });
});

describe('invalid UTF-8 in a JSON body', () => {
  const invalid: [string, number[]][] = [
    ['a lone continuation byte', [0x80]],
    ['0xFF', [0xff, 0xfe]],
    ['an overlong "/"', [0xc0, 0xaf]],
    ['a truncated 3-byte sequence', [0xe2, 0x82]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ];
  const body = (bytes: number[], where: 'value' | 'key') =>
    where === 'value'
      ? Buffer.concat([
          Buffer.from('{"email":"someone@example.com","password":"pass'),
          Buffer.from(bytes),
          Buffer.from('word-long-enough"}'),
        ])
      : Buffer.concat([Buffer.from('{"em'), Buffer.from(bytes), Buffer.from('ail":"x"}')]);

  it.each(invalid)('answers %s with 400 INVALID_JSON, in a value or a key', async (_l, bytes) => {
    for (const where of ['value', 'key'] as const) {
      expectStableClientError(
        await postJson('/api/auth/login', body(bytes, where)),
        400,
        'INVALID_JSON',
      );
    }
  });

  it('still accepts valid multi-byte UTF-8 (the refusal is about encoding, not about non-ASCII)', async () => {
    const answer = await postJson(
      '/api/auth/login',
      Buffer.from('{"email":"someone@example.com","password":"pässwörd ✓ 🔐 long enough"}'),
    );
    expectStableClientError(answer, 401, 'INVALID_CREDENTIALS');
  });
});

describe('header floods beyond LIMITS.maxHeaderSize', () => {
  const get = (path: string, headers: string[] = []) => exchange(head('GET', path, headers));

  it('serves a request whose headers stay under the limit', async () => {
    const answer = await get('/api/health', [
      `X-Padding: ${'a'.repeat(LIMITS.maxHeaderSize - 1024)}`,
    ]);
    expect(answer.status).toBe(200);
  });

  it('answers 431 to one header larger than the limit', async () => {
    const answer = await get('/api/health', [`X-Big: ${'a'.repeat(LIMITS.maxHeaderSize + 1)}`]);
    expect(answer.status).toBe(431);
  });

  it('answers 431 to a megabyte of headers', async () => {
    const answer = await get('/api/health', [`X-Big: ${'a'.repeat(1024 * 1024)}`]);
    expect(answer.status).toBe(431);
  });

  it('answers 431 to 5,000 headers', async () => {
    const headers = Array.from({ length: 5_000 }, (_, i) => `X-Flood-${i}: ${i}`);
    expect(headers.join('\r\n').length).toBeGreaterThan(LIMITS.maxHeaderSize);
    expect((await get('/api/health', headers)).status).toBe(431);
  });

  it('answers 431 to a cookie header larger than the limit', async () => {
    const cookies = Array.from({ length: 2_000 }, (_, i) => `c${i}=${'v'.repeat(8)}`).join('; ');
    expect((await get('/api/auth/session', [`Cookie: ${cookies}`])).status).toBe(431);
  });

  it('answers 431 to a URL longer than the limit, in the path or in the query', async () => {
    expect((await get(`/api/health?q=${'a'.repeat(LIMITS.maxHeaderSize)}`)).status).toBe(431);
    expect((await get(`/api/${'a'.repeat(LIMITS.maxHeaderSize)}`)).status).toBe(431);
  });

  it('answers a path param longer than LIMITS.maxParamLength with a 4xx and a stable code', async () => {
    const long = 'a'.repeat(LIMITS.maxParamLength + 1);
    expectStableClientError(await exchange(head('DELETE', `/api/sessions/${long}`)));
  });

  it('answers malformed percent-encoding in the URL with a 4xx and a stable code', async () => {
    for (const path of ['/api/sessions/%E0%A4%A', '/api/mfa/factors/%', '/api/sessions/%ZZ']) {
      expectStableClientError(await exchange(head('DELETE', path)));
    }
  });

  it('answers a request line that is not HTTP with a 4xx, and keeps serving', async () => {
    const answer = await exchange('GARBAGE \u0000\u0001 / HTTP/9.9\r\n\r\n');
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
  });
});
