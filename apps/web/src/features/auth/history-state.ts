import type { VerificationRequiredResponse } from '@twofold/mfa-core/contracts';

/**
 * What the auth pages keep in their own history entry. It survives a reload (so a page can say
 * why the person is a step back, or pick up where they were) and it travels with a navigation,
 * yet it is in no URL, no request and no log. Nothing secret goes in: addresses the person
 * typed and the times the API answered.
 */
export interface SignInEntry {
  /** Prefills the sign-in form, e.g. after a password reset. */
  email?: string;
  /** A reload happened during this step, which lives only in the page. */
  interruptedStep?: 'second-factor' | 'verify-email';
}

export interface RegisterEntry {
  email: string;
  challenge: VerificationRequiredResponse;
}

interface AuthEntries {
  signIn?: SignInEntry;
  register?: RegisterEntry;
}

const KEY = 'twofoldAuth';

function entries(): AuthEntries {
  const state: unknown = window.history.state;
  if (!state || typeof state !== 'object' || !(KEY in state)) return {};
  const value = (state as Record<string, unknown>)[KEY];
  return value && typeof value === 'object' ? (value as AuthEntries) : {};
}

function write(next: AuthEntries) {
  const state: unknown = window.history.state;
  const base = state && typeof state === 'object' ? (state as Record<string, unknown>) : {};
  window.history.replaceState({ ...base, [KEY]: next }, '');
}

export function readSignInEntry(): SignInEntry {
  return entries().signIn ?? {};
}

export function writeSignInEntry(entry: SignInEntry | undefined) {
  write({ ...entries(), signIn: entry });
}

export function readRegisterEntry(): RegisterEntry | undefined {
  return entries().register;
}

export function writeRegisterEntry(entry: RegisterEntry | undefined) {
  write({ ...entries(), register: entry });
}

/** Navigation state for a link to /sign-in with the address already filled in. */
export function signInWithEmail(email: string): Record<string, unknown> {
  return { [KEY]: { signIn: { email } } satisfies AuthEntries };
}
