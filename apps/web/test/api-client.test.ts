import { describe, expect, it } from 'vitest';
import { api, ApiError } from '../src/lib/api-client';
import { callsTo, mockApi } from './utils';

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('api client', () => {
  it('sends JSON with the same-origin cookies and returns the parsed body', async () => {
    const fetchMock = mockApi({
      'POST /api/auth/register/resend': { body: { status: 'verification_required' } },
    });
    await expect(api.post('/api/auth/register/resend')).resolves.toEqual({
      status: 'verification_required',
    });

    const [call] = callsTo(fetchMock, 'POST /api/auth/register/resend');
    expect(call?.init?.credentials).toBe('same-origin');
    expect(new Headers(call?.init?.headers).get('Content-Type')).toBe('application/json');
    expect(call?.body).toEqual({});
  });

  it('turns an error answer into an ApiError with its code and hints', async () => {
    mockApi({
      'POST /api/auth/register/verify': {
        status: 400,
        body: { code: 'INVALID_CODE', message: 'That code is not valid.', attemptsLeft: 3 },
      },
      'POST /api/auth/register/resend': {
        status: 429,
        body: { code: 'RESEND_TOO_SOON', message: 'Wait.' },
        headers: { 'Retry-After': '17' },
      },
    });

    const invalid = await failure(api.post('/api/auth/register/verify', { code: '000000' }));
    expect(invalid).toMatchObject({
      code: 'INVALID_CODE',
      status: 400,
      attemptsLeft: 3,
      message: 'That code is not valid.',
    });

    const tooSoon = await failure(api.post('/api/auth/register/resend'));
    expect(tooSoon).toMatchObject({ code: 'RESEND_TOO_SOON', status: 429, retryAfter: 17 });
  });

  it('reports a dropped connection as NETWORK_ERROR', async () => {
    mockApi({ 'GET /api/auth/session': new TypeError('Failed to fetch') });
    const error = await failure(api.get('/api/auth/session'));
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', status: 0 });
  });

  it('reports a proxy that cannot reach the API as NETWORK_ERROR', async () => {
    mockApi({ 'GET /api/auth/session': { status: 502, body: undefined } });
    const error = await failure(api.get('/api/auth/session'));
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', status: 502 });
  });

  it('sends no JSON Content-Type on a request without a body', async () => {
    const fetchMock = mockApi({ 'DELETE /api/sessions': { body: { revoked: 0 } } });
    await api.delete('/api/sessions');

    const [call] = callsTo(fetchMock, 'DELETE /api/sessions');
    expect(call?.init?.body).toBeUndefined();
    expect(new Headers(call?.init?.headers).has('Content-Type')).toBe(false);
  });

  it('reports a success answer that is not JSON as UNEXPECTED_RESPONSE', async () => {
    const fetchMock = mockApi({});
    fetchMock.mockResolvedValue(
      new Response('<!doctype html><title>Twofold</title>', {
        status: 200,
        headers: { 'Content-Type': 'text/html' },
      }),
    );
    const error = await failure(api.get('/api/auth/session'));
    expect(error).toMatchObject({ code: 'UNEXPECTED_RESPONSE', status: 200 });
  });

  it.each([503, 504])('reports a bare %i from the proxy as NETWORK_ERROR', async (status) => {
    mockApi({ 'GET /api/auth/session': { status, body: undefined } });
    const error = await failure(api.get('/api/auth/session'));
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', status });
  });

  it('reports any other answer without an error body as UNEXPECTED_RESPONSE', async () => {
    mockApi({ 'GET /api/auth/session': { status: 500, body: undefined } });
    const error = await failure(api.get('/api/auth/session'));
    expect(error).toMatchObject({ code: 'UNEXPECTED_RESPONSE', status: 500 });
  });
});
