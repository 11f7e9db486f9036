import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { App } from '../../src/app.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

export interface RouteEntry {
  method: HttpMethod;
  /** As registered, e.g. `/api/mfa/factors/:id`. */
  path: string;
}

/**
 * Every (method, path) the router knows, parsed from `printRoutes({ commonPrefix: false })`.
 * Each tree line is a segment appended to its parent's path, e.g.
 *   ├── /api/mfa (GET, HEAD)
 *   │   └── / (GET, HEAD)
 *   │       ├── totp (POST)
 */
export function routerTable(app: App): RouteEntry[] {
  const lines = app.printRoutes({ commonPrefix: false }).split('\n');
  const stack: string[] = [];
  const entries: RouteEntry[] = [];
  for (const line of lines) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line.trimEnd());
    if (!match) {
      expect(line.trim(), `unparsed printRoutes line: ${line}`).toBe('');
      continue;
    }
    const depth = match[1]!.length / 4;
    expect(Number.isInteger(depth), `indentation of: ${line}`).toBe(true);
    stack.length = depth;
    const path = `${stack[depth - 1] ?? ''}${match[2]}`;
    stack.push(path);
    for (const method of (match[3] ?? '')
      .split(',')
      .map((m) => m.trim())
      .filter(Boolean)) {
      entries.push({ method: method as HttpMethod, path });
    }
  }
  return entries;
}

/** Every (method, path) of the OpenAPI document, with `{param}` turned into `:param`. */
export async function openApiTable(app: App): Promise<RouteEntry[]> {
  const response = await app.inject({ method: 'GET', url: '/api/docs/json' });
  expect(response.statusCode).toBe(200);
  const doc = response.json() as { paths: Record<string, Record<string, unknown>> };
  const entries: RouteEntry[] = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const method of Object.keys(operations)) {
      if (!['get', 'head', 'post', 'put', 'patch', 'delete', 'options'].includes(method)) continue;
      entries.push({
        method: method.toUpperCase() as HttpMethod,
        path: path.replace(/\{([^}]+)\}/g, ':$1'),
      });
    }
  }
  return entries;
}

const key = (route: RouteEntry) => `${route.method} ${route.path}`;

/**
 * The union of the router's table and the OpenAPI document (which must agree: every documented
 * operation is routed), minus the documentation UI itself.
 */
export async function allRoutes(app: App): Promise<RouteEntry[]> {
  const routed = routerTable(app);
  const documented = await openApiTable(app);
  const routedKeys = new Set(routed.map(key));
  for (const route of documented) {
    // Trailing-slash spellings are equivalent for the router.
    const alternatives = [key(route), key({ ...route, path: `${route.path}/` })];
    expect(
      alternatives.some((k) => routedKeys.has(k)),
      `${key(route)} is documented but not found in printRoutes`,
    ).toBe(true);
  }
  const byKey = new Map<string, RouteEntry>();
  for (const route of [...routed, ...documented]) {
    if (route.path === '/api/docs' || route.path.startsWith('/api/docs/')) continue;
    byKey.set(key(route), route);
  }
  return [...byKey.values()];
}

/** `path` with each `:param` filled in by a random UUID. */
export const fillParams = (path: string) => path.replace(/:[A-Za-z_]\w*/g, () => randomUUID());

/** The path without a trailing slash, so `/api/mfa/` and `/api/mfa` compare equal. */
export const canonicalPath = (path: string) =>
  path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;

export const WRITE_METHODS = new Set<HttpMethod>(['POST', 'PUT', 'PATCH', 'DELETE']);
