import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';

/** Vite puts a content hash in every name under assets/: a changed file is a new URL. */
export const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/** index.html (and other unhashed files) must be revalidated so a deploy is seen at once. */
export const HTML_CACHE_CONTROL = 'no-cache';
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

const ONE_YEAR_MS = 365 * 24 * 60 * 60 * 1000;

const HTML_HEADERS = {
  'cache-control': HTML_CACHE_CONTROL,
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

/**
 * Production: the built SPA on the API's own port. `/assets/*` is cached for good, every other
 * GET outside `/api` that is not a file answers index.html so client-side routes survive a
 * reload; unknown `/api/*` paths keep their JSON 404. Registered last, so API routes win.
 */
export interface WebOptions {
  /** The SPA's build output (config.webDistDir); nothing is served without it. */
  webDistDir: string | undefined;
}

const webPlugin: FastifyPluginAsync<WebOptions> = async (app, { webDistDir: root }) => {
  if (!root) return;
  if (!existsSync(path.join(root, 'index.html'))) {
    throw new Error(`WEB_DIST_DIR: ${root} has no index.html (run \`pnpm build\` first).`);
  }
  // Unhashed files beside index.html (favicon.svg, robots.txt), listed once at start-up: no
  // other name outside /assets is ever read from disk.
  const topLevelFiles = new Set(
    readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name !== 'index.html')
      .map((entry) => entry.name),
  );

  // The page and its files are public (outside Twofold's scope, no session is asked for): the
  // SPA asks the API who is signed in.
  await app.register(async (web) => {
    await web.register(fastifyStatic, {
      root: path.join(root, 'assets'),
      prefix: '/assets/',
      index: false,
      dotfiles: 'ignore',
      // Files only: the folder itself (/assets/) is a 404, not a 403 from the file server.
      allowedPath: (pathName) => !pathName.endsWith('/'),
      maxAge: ONE_YEAR_MS,
      immutable: true,
      setHeaders: (reply) => reply.header('x-content-type-options', 'nosniff'),
    });

    const sendIndex = (reply: FastifyReply) =>
      reply.headers(HTML_HEADERS).sendFile('index.html', root, { cacheControl: false });

    web.get('/', (_request, reply) => sendIndex(reply));
    web.get('/*', (request, reply) => {
      const rest = (request.params as { '*': string })['*'];
      // The API's namespace never falls back to the page: a client expects JSON there.
      if (rest === 'api' || rest.startsWith('api/')) return reply.callNotFound();
      if (rest === 'index.html') return sendIndex(reply);
      if (topLevelFiles.has(rest)) {
        return reply
          .header('cache-control', HTML_CACHE_CONTROL)
          .header('x-content-type-options', 'nosniff')
          .sendFile(rest, root, { cacheControl: false });
      }
      // A missing file (an old hashed asset, a mistyped /robots.txt) is a 404, not the page.
      if (path.posix.extname(rest) !== '') return reply.callNotFound();
      return sendIndex(reply);
    });
  });
};

export default fp(webPlugin, { name: 'web' });
