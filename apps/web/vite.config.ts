/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

// The API the dev server forwards `/api` to; the API itself listens on PORT (default 3000).
const apiTarget = `http://127.0.0.1:${process.env.PORT ?? 3000}`;
// Keep the browser's Host header so the API's same-origin (CSRF) check sees one origin.
const apiProxy = { '/api': { target: apiTarget, changeOrigin: false } };

export default defineConfig({
  plugins: [react()],
  resolve: {
    // Workspace packages expose their TypeScript sources under this condition, so the SPA
    // never waits for a build of @twofold/mfa-core.
    conditions: ['@twofold/source', ...defaultClientConditions],
  },
  server: {
    // Loopback only; `pnpm dev --host 0.0.0.0` opens it to the network (containers, phones).
    // `allowedHosts` stays at Vite's default on purpose (never `true`): only localhost,
    // *.localhost and IP addresses are answered, so a DNS-rebinding page cannot reach the dev
    // server, nor the API and dev mailbox behind its proxy. The API checks Host the same way.
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: apiProxy,
  },
  preview: {
    host: '127.0.0.1',
    port: 4173,
    strictPort: true,
    proxy: apiProxy,
  },
  test: {
    environment: 'jsdom',
    include: ['test/**/*.test.{ts,tsx}'],
    setupFiles: ['./test/setup.ts'],
    restoreMocks: true,
    unstubGlobals: true,
  },
});
