import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

const webDir = fileURLToPath(new URL('..', import.meta.url));
const apiDir = path.resolve(webDir, '../api');

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** Locally the browser suite is skipped without Chromium; in CI a missing browser is a failure. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium (apt-get install -y chromium)`,
    );
  }
  return false;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, child: ChildProcess, logs: string[], timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${logs.join('')}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${url}:\n${logs.join('')}`);
}

function start(command: string[], cwd: string, env: Record<string, string>) {
  const logs: string[] = [];
  const child = spawn(command[0]!, command.slice(1), {
    cwd,
    env: { ...process.env, ...env },
    stdio: 'pipe',
  });
  child.stdout?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  return { child, logs };
}

export interface Stack {
  /** An address that is an admin (ADMIN_EMAILS) once registered. */
  adminEmail: string;
  /** The SPA origin (Vite dev server proxying /api to the API). */
  baseUrl: string;
  apiUrl: string;
  browser: Browser;
  newContext(viewport?: { width: number; height: number }): Promise<BrowserContext>;
  /** Stops the API process only (the data stays), as when it crashes or is being deployed. */
  stopApi(): Promise<void>;
  /** Starts the API again on the same port and data, after `stopApi`. */
  startApi(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The product as `pnpm dev` runs it: the API (dev outbox, DATABASE_URL when set, PGlite
 * otherwise) and the Vite dev server, each a real process on its own loopback port, and a real
 * headless Chromium.
 */
export async function startStack(): Promise<Stack> {
  const [apiPort, webPort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(path.join(tmpdir(), 'twofold-e2e-'));
  const baseUrl = `http://127.0.0.1:${webPort}`;
  const adminEmail = `admin.${Date.now()}@example.com`;
  const startApi = () =>
    start(
      [process.execPath, '--conditions=@twofold/source', '--import', 'tsx', 'src/server.ts'],
      apiDir,
      {
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        PORT: String(apiPort),
        DATA_DIR: dataDir,
        APP_URL: baseUrl,
        LOG_LEVEL: 'warn',
        RATE_LIMIT_AUTH_MAX: '10000',
        // On PostgreSQL (CI) the suites share one database, so "the first account" is not this
        // one: the admin is named, and made one when the address is verified.
        ADMIN_EMAILS: adminEmail,
      },
    );
  let api = startApi();
  const web = start(
    [process.execPath, 'node_modules/vite/bin/vite.js', '--port', String(webPort), '--strictPort'],
    webDir,
    {
      PORT: String(apiPort),
    },
  );
  const stopAll = async () => {
    for (const { child } of [web, api]) if (child.exitCode === null) child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor(`http://127.0.0.1:${apiPort}/api/health`, api.child, api.logs);
    await waitFor(baseUrl, web.child, web.logs);
  } catch (error) {
    await stopAll();
    throw error;
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  return {
    adminEmail,
    baseUrl,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    browser,
    newContext: (viewport = { width: 1280, height: 800 }) =>
      browser.newContext({ viewport, baseURL: baseUrl }),
    async stopApi() {
      const { child } = api;
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
    async startApi() {
      api = startApi();
      await waitFor(`http://127.0.0.1:${apiPort}/api/health`, api.child, api.logs);
    },
    async stop() {
      await browser.close();
      await stopAll();
    },
  };
}

async function mailTo(stack: Stack, to: string): Promise<string[]> {
  const { messages } = (await (await fetch(`${stack.apiUrl}/api/dev/mailbox`)).json()) as {
    messages: { to: string; text: string }[];
  };
  return messages.filter((message) => message.to === to).map((message) => message.text);
}

/**
 * The 6-digit code in the newest dev-outbox message to `to` that carries one: notices (a backup
 * code used, a factor added) may land after it and carry none.
 */
export async function mailedCode(stack: Stack, to: string): Promise<string> {
  const texts = await mailTo(stack, to);
  const code = texts.map((text) => /\b(\d{6})\b/.exec(text)?.[1]).find(Boolean);
  if (!code) throw new Error(`no code mailed to ${to}`);
  return code;
}

/**
 * The first link in the newest message to `to` whose text matches `pattern`, waiting for it:
 * some mails (a password reset) are sent after the answer.
 */
export async function mailedLink(stack: Stack, to: string, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const link = (await mailTo(stack, to)).map((text) => pattern.exec(text)?.[0]).find(Boolean);
    if (link) return link;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no link matching ${String(pattern)} mailed to ${to}`);
}
