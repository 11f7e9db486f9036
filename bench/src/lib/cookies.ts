/** Cookie names of a production API (`NODE_ENV=production` adds the `__Host-` prefix). */
export const SESSION_COOKIE = '__Host-twofold_session';
export const CHALLENGE_COOKIE = '__Host-twofold_challenge';

/** `name=value` of the cookie called `name` among Set-Cookie header values, or null. */
export function cookieFromSetCookie(setCookie: readonly string[], name: string): string | null {
  for (const header of setCookie) {
    const pair = header.split(';', 1)[0]!.trim();
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq) === name && pair.length > eq + 1) return pair;
  }
  return null;
}

/** The value of cookie `name` in a Cookie request header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
