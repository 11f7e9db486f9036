import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within, type RenderResult } from '@testing-library/react';
import userEvent, { type UserEvent } from '@testing-library/user-event';
import type { ReactElement } from 'react';
import type { Factor, MfaStatusResponse } from '@twofold/mfa-core/contracts';
import { expect, vi, type Mock } from 'vitest';
import { Router } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';
import { createQueryClient } from '../src/lib/query-client';

export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type FetchMock = Mock<(input: RequestInfo | URL, init?: RequestInit) => Promise<Response>>;

/**
 * Replaces `fetch` with canned answers keyed by "METHOD /path". A list is answered in order and
 * its last entry repeats; an Error entry rejects like a dropped connection.
 */
export function mockApi(routes: Record<string, Reply | Error | Array<Reply | Error>>): FetchMock {
  const queues = new Map(
    Object.entries(routes).map(([key, value]) => [
      key,
      Array.isArray(value) ? [...value] : [value],
    ]),
  );
  const fetchMock: FetchMock = vi.fn(async (input, init) => {
    const method = (init?.method ?? 'GET').toUpperCase();
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const key = `${method} ${url}`;
    const queue = queues.get(key);
    if (!queue || queue.length === 0) throw new Error(`Unexpected request in test: ${key}`);
    const reply = queue.length > 1 ? queue.shift() : queue[0];
    if (reply instanceof Error) throw reply;
    return new Response(reply?.body === undefined ? null : JSON.stringify(reply.body), {
      status: reply?.status ?? 200,
      headers: { 'Content-Type': 'application/json', ...reply?.headers },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

/** The calls made to one "METHOD /path", with their JSON bodies parsed. */
export function callsTo(fetchMock: FetchMock, key: string) {
  return fetchMock.mock.calls
    .filter(([input, init]) => `${(init?.method ?? 'GET').toUpperCase()} ${String(input)}` === key)
    .map(([, init]) => ({
      init,
      body: typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
    }));
}

export interface RenderAppResult extends RenderResult {
  user: UserEvent;
  location: ReturnType<typeof memoryLocation>;
}

/** Renders with a fresh query cache and an in-memory URL, as the app would. */
export function renderWithProviders(
  ui: ReactElement,
  { path = '/' }: { path?: string } = {},
): RenderAppResult {
  const queryClient = createQueryClient();
  const location = memoryLocation({ path, record: true });
  const user = userEvent.setup();
  const result = render(
    <QueryClientProvider client={queryClient}>
      <Router hook={location.hook} searchHook={location.searchHook}>
        {ui}
      </Router>
    </QueryClientProvider>,
  );
  return { ...result, user, location };
}

/** GET /api/mfa's answer for an account without MFA, with `overrides` on top. */
export function mfaStatusReply(overrides: Partial<MfaStatusResponse> = {}): Reply {
  return {
    body: {
      enabled: false,
      factors: [],
      backupCodesRemaining: 0,
      trustedDevices: [],
      policy: { required: false, status: 'not_required', graceEndsAt: null },
      ...overrides,
    } satisfies MfaStatusResponse,
  };
}

/** An active method as GET /api/mfa and the confirm routes answer it. */
export function activeFactor(
  type: Factor['type'],
  id = '7c9e6679-7425-40de-944b-e07fc1f90ae7',
): Factor {
  return {
    id,
    type,
    status: 'active',
    createdAt: '2025-01-01T10:00:00.000Z',
    confirmedAt: '2025-01-01T10:01:00.000Z',
    lastUsedAt: null,
  };
}

export function inSeconds(seconds: number): string {
  return new Date(Date.now() + seconds * 1000).toISOString();
}

export const testUser = {
  id: '5b0c2a4e-9d7f-4f43-a3c1-2f1e6f0d9a11',
  email: 'ada@example.com',
  role: 'user' as const,
  emailVerified: true,
  mfaEnabled: false,
};

/**
 * What an emailed-code step shows right after "Resend code" (useEmailedCode): the notice that
 * the old code is void, an emptied field, and the resend countdown started again.
 */
export async function expectCodeResent(field: HTMLElement) {
  expect(
    await screen.findByText('A new code is on its way. The previous one no longer works.'),
  ).toBeInTheDocument();
  expect(field).toHaveValue('');
  expect(screen.getByRole('button', { name: /^Resend code in (1:00|0:59)$/ })).toBeDisabled();
}

/** A guarded route's answer when the re-authentication window is closed. */
export const stepUpRequired: Reply = {
  status: 403,
  body: { code: 'STEP_UP_REQUIRED', message: 'Please confirm your identity to continue.' },
};

/** POST /api/auth/reauthenticate's answer: the window is open for 15 minutes. */
export const reauthenticated: Reply = {
  body: { reauthenticatedAt: inSeconds(0), expiresAt: inSeconds(15 * 60) },
};

/**
 * Answers the "Confirm it's you" dialog: the password, and the authenticator code when one is
 * asked for (two-factor on).
 */
export async function confirmItsYou(user: UserEvent, { code }: { code?: string } = {}) {
  const dialog = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
  // The dialog reads the account's methods first, when no page before it has.
  await user.type(await within(dialog).findByLabelText('Password'), 'correct horse battery');
  // A whole code after the password confirms by itself; without one, Confirm does.
  if (code) {
    await user.type(within(dialog).getByRole('textbox', { name: 'Authenticator code' }), code);
  } else {
    await user.click(within(dialog).getByRole('button', { name: 'Confirm' }));
  }
}
