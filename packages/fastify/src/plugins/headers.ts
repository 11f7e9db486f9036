import { isIP } from 'node:net';
import fp from 'fastify-plugin';
import type {
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
} from 'fastify';
import type { Config } from '../config/config.js';
import { appError } from '../errors.js';

/** Twofold's answers carry TOTP secrets, backup codes and account data: never stored. */
export const API_CACHE_CONTROL = 'no-store';
/** One year, this host and its subdomains: production is served over HTTPS only. */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000; includeSubDomains';

/** `/api`, `/api/...` or `/api?...` for the prefix `/api`, but not `/apiary`. */
function underPrefix(url: string, prefix: string): boolean {
  const next = url[prefix.length];
  return url.startsWith(prefix) && (next === undefined || next === '/' || next === '?');
}

/**
 * The headers every answer needs, set once per request: `Cache-Control: no-store` under `prefix` (every answer without one),
 * and HSTS in production. Exported for the few answers Fastify writes before any hook runs
 * (a malformed URL, an over-long parameter), which app.ts sends through it too.
 */
export function answerHeaders(config: Pick<Config, 'env'>, prefix?: string) {
  const production = config.env === 'production';
  return (request: FastifyRequest, reply: FastifyReply): void => {
    if (production) reply.header('strict-transport-security', STRICT_TRANSPORT_SECURITY);
    if (prefix === undefined || underPrefix(request.url, prefix))
      reply.header('cache-control', API_CACHE_CONTROL);
  };
}

/** The host name of a `Host` header, lower-cased, port dropped; `[::1]` keeps its brackets. */
function hostnameOf(host: string): string | undefined {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    const port = host.slice(end + 1);
    if (end < 0 || (port !== '' && !/^:\d+$/.test(port))) return undefined;
    return host.slice(0, end + 1).toLowerCase();
  }
  const match = /^([^:]+)(?::\d+)?$/.exec(host);
  return match?.[1]?.toLowerCase();
}

/** `[::1]` as in a Host header, from an address as HOST spells it (`::1`). */
const bracketed = (name: string) => (isIP(name) === 6 ? `[${name}]` : name.toLowerCase());

/**
 * Whether a `Host` header names this server, as Vite's dev server decides it (`allowedHosts`):
 * loopback names and any `*.localhost`, the host of APP_URL, the HOST the API listens on, and
 * any IP address. DNS rebinding needs a host name of the attacker's that resolves to this
 * machine; a browser that connects by IP sends that IP, and the Vite dev server forwards the
 * browser's Host as it is (a phone on the LAN reaches it by IP), so IPs pass.
 */
export function ownHosts(config: Pick<Config, 'appUrl' | 'host'>): (host: string) => boolean {
  const named = new Set(['localhost', bracketed(config.host), new URL(config.appUrl).hostname]);
  return (host) => {
    const name = hostnameOf(host);
    if (name === undefined) return false;
    if (named.has(name) || name.endsWith('.localhost')) return true;
    return isIP(name.startsWith('[') ? name.slice(1, -1) : name) !== 0;
  };
}

/** Host headers already accepted, so a busy dev server parses each one once. */
const ACCEPTED_CACHE_SIZE = 64;

/**
 * Headers on every answer, and outside production a Host check: the dev server (and its
 * mailbox of sign-in codes) answers only its own host names, so a page on another site cannot
 * reach it through DNS rebinding. Production runs behind a proxy that routes by host; its
 * APP_URL and proxies are the operator's to set, so it has no check here.
 * One callback-style `onRequest` hook, no `onSend`: the API is benchmarked per request.
 */
export interface HeadersOptions {
  config: Pick<Config, 'env' | 'appUrl' | 'host'>;
  /**
   * Answers under this path are never stored; without it, no answer of the scope the plugin is
   * registered in is (Twofold's own scope).
   */
  prefix?: string;
}

const headersPlugin: FastifyPluginAsync<HeadersOptions> = async (app, { config, prefix }) => {
  const setHeaders = answerHeaders(config, prefix);

  if (config.env === 'production') {
    app.addHook('onRequest', (request, reply, done: HookHandlerDoneFunction) => {
      setHeaders(request, reply);
      done();
    });
    return;
  }

  const isOwn = ownHosts(config);
  const accepted = new Set<string>();
  app.addHook('onRequest', (request, reply, done: HookHandlerDoneFunction) => {
    setHeaders(request, reply);
    // The Host the browser sent, never X-Forwarded-Host: a rebinding page could set that one.
    // No Host at all is no browser (HTTP/1.0 tools); Node refuses HTTP/1.1 without one.
    const host = request.headers.host;
    if (host === undefined || accepted.has(host)) return done();
    if (!isOwn(host)) return done(appError('HOST_NOT_ALLOWED'));
    if (accepted.size >= ACCEPTED_CACHE_SIZE) accepted.clear();
    accepted.add(host);
    done();
  });
};

/**
 * Registered by Twofold for its own routes, or once at the root by an app that wants the same
 * headers on every answer (the standalone product, for the SPA it serves); Twofold then does not
 * add the hook a second time.
 */
export default fp(headersPlugin, { name: 'twofold-headers' });
