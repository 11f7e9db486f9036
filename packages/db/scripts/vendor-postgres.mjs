// Copies the installed (patched) postgres.js ESM sources into dist/vendor/postgres, so a
// published @twofold/db runs the fixed driver: pnpm's patch applies to this workspace only, and
// an app installing the tarball would otherwise get the registry's postgres.js without the
// fixes (see patches/README.md). `#postgres` in package.json points there outside the workspace.
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(join(root, 'package.json'));
// The package exports only its entry points: walk up from the CommonJS one to its root.
const source = dirname(dirname(dirname(require.resolve('postgres'))));
const manifest = JSON.parse(await readFile(join(source, 'package.json'), 'utf8'));
if (manifest.name !== 'postgres') throw new Error(`vendor-postgres: ${source} is not postgres.js`);
const connection = await readFile(join(source, 'src/connection.js'), 'utf8');
if (!connection.includes('Patched (see packages/db/patches/README.md)')) {
  throw new Error('vendor-postgres: the installed postgres.js is not patched (run pnpm install)');
}
const target = join(root, 'dist/vendor/postgres');
await rm(target, { recursive: true, force: true });
await mkdir(target, { recursive: true });
await cp(join(source, 'src'), join(target, 'src'), { recursive: true });
await writeFile(
  join(target, 'package.json'),
  `${JSON.stringify(
    {
      name: 'postgres',
      version: manifest.version,
      license: manifest.license,
      description: 'postgres.js with the fixes in @twofold/db/patches, vendored',
      type: 'module',
      private: true,
    },
    null,
    2,
  )}\n`,
);
process.stdout.write(
  `vendored postgres.js ${manifest.version} (patched) into dist/vendor/postgres\n`,
);
