import { fileURLToPath } from 'node:url';
import {
  loadConfig as loadTwofoldConfig,
  type Config,
  type LoadConfigOptions,
} from '@twofold/fastify';

/** `.data/` at the repository root (this file sits in apps/api/{src,dist}). */
const DATA_DIR = fileURLToPath(new URL('../../../.data', import.meta.url));
/** The SPA's build output, `apps/web/dist`, served by a production API when it exists. */
const WEB_DIST_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

/**
 * The standalone product's settings: the plugin's, with the repository's `.data/` and the built
 * SPA as defaults (`pnpm dev` runs in apps/api, whose working directory is not the root).
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  options: LoadConfigOptions = {},
): Config {
  return loadTwofoldConfig(env, {
    defaultDataDir: DATA_DIR,
    defaultWebDistDir: WEB_DIST_DIR,
    ...options,
  });
}
