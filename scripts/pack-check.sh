#!/usr/bin/env bash
# The published packages, as an app outside this repository gets them: builds and packs
# @twofold/mfa-core, @twofold/db and @twofold/fastify, installs the tarballs with npm into a
# fresh folder outside the repository next to examples/existing-app's sources and tests, checks
# that nothing resolves back into the workspace, then typechecks the example against the
# published types and runs its tests on the built dist/ (no `@twofold/source` condition).
#
#   bash scripts/pack-check.sh             # PACK_CHECK_KEEP=1 keeps the fresh folder
#
# Needs: pnpm install --frozen-lockfile done, npm with registry access, oathtool (the tests).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
EXAMPLE="$ROOT/examples/existing-app"
PACKAGES=(mfa-core db fastify)

step() { printf '\n==> %s\n' "$*"; }
fail() {
  printf 'pack-check: %s\n' "$*" >&2
  exit 1
}
millis() { date +%s%3N; }
human() { numfmt --to=iec-i --suffix=B --format='%.1f' "$1"; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/twofold-pack-check.XXXXXX")
WORK=$(cd "$WORK" && pwd -P)
cleanup() {
  if [ -n "${PACK_CHECK_KEEP:-}" ]; then echo "pack-check: kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
case "$WORK/" in
  "$ROOT"/*) fail "the fresh folder $WORK is inside the repository" ;;
esac
# Node looks for node_modules in every parent folder: none may hold one.
dir=$WORK
while [ "$dir" != / ]; do
  dir=$(dirname "$dir")
  [ ! -e "$dir/node_modules" ] || fail "$dir/node_modules would be visible from $WORK"
done

TARBALLS="$WORK/tarballs"
APP="$WORK/app"
mkdir -p "$TARBALLS" "$APP"

step "build @twofold/mfa-core, @twofold/db, @twofold/fastify"
pnpm --dir "$ROOT" --filter '@twofold/fastify...' run build

step "pnpm pack"
declare -A TARBALL
for name in "${PACKAGES[@]}"; do
  rm -f "$TARBALLS"/twofold-"$name"-*.tgz
  (cd "$ROOT/packages/$name" && pnpm pack --pack-destination "$TARBALLS" >/dev/null)
  files=("$TARBALLS"/twofold-"$name"-*.tgz)
  [ -f "${files[0]}" ] || fail "pnpm pack wrote no tarball for @twofold/$name"
  TARBALL[$name]=${files[0]}
done

# What each tarball must hold: the built entry points and types, and the db package's
# migrations, which it reads from disk at runtime.
declare -A REQUIRED=(
  [mfa-core]="dist/index.js dist/index.d.ts dist/contracts/index.js dist/contracts/index.d.ts"
  [db]="dist/index.js dist/index.d.ts dist/testing.js dist/testing.d.ts dist/schema/index.js
        dist/vendor/postgres/src/index.js drizzle/meta/_journal.json drizzle/0000_twofold.sql
        legacy-drizzle/meta/_journal.json legacy-drizzle/0000_init.sql
        legacy-drizzle/to-twofold-schema.sql"
  [fastify]="dist/index.js dist/index.d.ts dist/plugin.js dist/plugin.d.ts dist/internal.js"
)
printf '%-28s %10s %12s %6s\n' tarball packed unpacked files
for name in "${PACKAGES[@]}"; do
  tarball=${TARBALL[$name]}
  listing=$(tar -tzf "$tarball")
  for file in ${REQUIRED[$name]}; do
    grep -qxF "package/$file" <<<"$listing" || fail "$(basename "$tarball") lacks $file"
  done
  if tar -xzOf "$tarball" package/package.json | grep -Eq '"(workspace|catalog):'; then
    fail "$(basename "$tarball"): package.json still has workspace: or catalog: versions"
  fi
  packed=$(stat -c %s "$tarball")
  unpacked=$(tar -xzOf "$tarball" | wc -c)
  printf '%-28s %10s %12s %6s\n' "$(basename "$tarball")" "$(human "$packed")" \
    "$(human "$unpacked")" "$(grep -c . <<<"$listing")"
done

step "a fresh app in $APP"
cp -R "$EXAMPLE/src" "$EXAMPLE/test" "$EXAMPLE/README.md" "$APP/"
# The example's package.json, with the registry versions of the pnpm catalog and the tarballs
# for @twofold/*. The packed packages depend on each other by version (0.1.0): the overrides
# make npm take the local tarballs for those too, never the registry.
ROOT="$ROOT" APP="$APP" TARBALL_LIST="$(
  for name in "${PACKAGES[@]}"; do printf '%s=%s\n' "@twofold/$name" "${TARBALL[$name]}"; done
)" node --input-type=module <<'EOF'
import { readFileSync, writeFileSync } from 'node:fs';
const { ROOT, APP, TARBALL_LIST } = process.env;
const tarballs = Object.fromEntries(TARBALL_LIST.trim().split('\n').map((l) => l.split('=')));

// The default catalog of pnpm-workspace.yaml: `catalog:` then indented `name: version` lines.
const catalog = {};
let inCatalog = false;
for (const line of readFileSync(`${ROOT}/pnpm-workspace.yaml`, 'utf8').split('\n')) {
  if (/^\S/.test(line)) inCatalog = /^catalog:\s*$/.test(line);
  else if (inCatalog) {
    const entry = line.match(/^\s+(['"]?)([^'":]+)\1:\s*['"]?([^'"\s#]+)/);
    if (entry) catalog[entry[2]] = entry[3];
  }
}

const example = JSON.parse(readFileSync(`${ROOT}/examples/existing-app/package.json`, 'utf8'));
const resolve = (deps = {}) =>
  Object.fromEntries(
    Object.entries(deps).map(([name, spec]) => {
      if (spec.startsWith('workspace:')) {
        if (!tarballs[name]) throw new Error(`no tarball for ${name}`);
        return [name, `file:${tarballs[name]}`];
      }
      if (spec === 'catalog:') {
        if (!catalog[name]) throw new Error(`${name} is not in the pnpm catalog`);
        return [name, catalog[name]];
      }
      if (spec.startsWith('catalog:')) throw new Error(`named catalogs are not handled: ${name}`);
      return [name, spec];
    }),
  );
const dependencies = resolve(example.dependencies);
const manifest = {
  name: 'shop-outside-the-workspace',
  version: '1.0.0',
  private: true,
  type: 'module',
  scripts: { start: 'tsx src/server.ts', test: 'vitest run', typecheck: 'tsc --noEmit' },
  dependencies,
  devDependencies: resolve(example.devDependencies),
  overrides: Object.fromEntries(Object.keys(tarballs).map((name) => [name, `$${name}`])),
};
for (const name of Object.keys(tarballs)) {
  if (!dependencies[name]) throw new Error(`the example does not depend on ${name}`);
}
writeFileSync(`${APP}/package.json`, `${JSON.stringify(manifest, null, 2)}\n`);
EOF
# An app's own TypeScript and Vitest settings: nothing from the workspace's.
cat >"$APP/tsconfig.json" <<'EOF'
{
  "compilerOptions": {
    "target": "ES2023",
    "lib": ["ES2023"],
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "strict": true,
    "noUncheckedIndexedAccess": true,
    "verbatimModuleSyntax": true,
    "isolatedModules": true,
    "esModuleInterop": true,
    "skipLibCheck": true,
    "types": ["node"],
    "noEmit": true
  },
  "include": ["src", "test", "*.ts"]
}
EOF
cat >"$APP/vitest.config.ts" <<'EOF'
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 },
});
EOF
cat "$APP/package.json"

step "npm install"
cd "$APP"
started=$(millis)
npm install --no-audit --no-fund --loglevel=error
INSTALL_MS=$(($(millis) - started))
echo "npm install took $((INSTALL_MS / 1000)).$(printf '%03d' $((INSTALL_MS % 1000)))s"

step "nothing resolves into the workspace"
npm ls --depth=1 '@twofold/fastify' '@twofold/db' '@twofold/mfa-core' || fail "npm ls failed"
if grep -q "$ROOT" package-lock.json; then fail "package-lock.json refers to $ROOT"; fi
links=$(find node_modules -type l -not -path '*/.bin/*')
[ -z "$links" ] || fail "symlinks in node_modules: $links"
WORK="$WORK" node --input-type=module <<'EOF'
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
const inside = `${process.env.WORK}/app/node_modules/`;
const where = (url) => realpathSync(url.startsWith('file:') ? fileURLToPath(url) : url);
const checks = [
  ['@twofold/fastify', import.meta.resolve('@twofold/fastify')],
  ['@twofold/db', import.meta.resolve('@twofold/db')],
  ['@twofold/db/testing', import.meta.resolve('@twofold/db/testing')],
  ['@twofold/mfa-core', import.meta.resolve('@twofold/mfa-core')],
  ['fastify', import.meta.resolve('fastify')],
  ['drizzle-orm', import.meta.resolve('drizzle-orm')],
];
// What the packages themselves load: each other, and their own dependencies.
const fromFastify = createRequire(where(import.meta.resolve('@twofold/fastify')));
const fromDb = createRequire(where(import.meta.resolve('@twofold/db')));
checks.push(
  ['@twofold/db, from @twofold/fastify', fromFastify.resolve('@twofold/db')],
  ['@twofold/mfa-core, from @twofold/fastify', fromFastify.resolve('@twofold/mfa-core')],
  ['fastify-plugin, from @twofold/fastify', fromFastify.resolve('fastify-plugin')],
  ['@electric-sql/pglite, from @twofold/db', fromDb.resolve('@electric-sql/pglite')],
);
let bad = 0;
for (const [name, url] of checks) {
  const path = where(url);
  const ok = path.startsWith(inside) && !path.includes('/src/');
  if (!ok) bad += 1;
  console.log(`${ok ? 'ok ' : 'BAD'} ${name} -> ${path}`);
}
// The entry points are the built ones, not the workspace's sources.
for (const name of ['@twofold/fastify', '@twofold/db', '@twofold/mfa-core']) {
  if (!where(import.meta.resolve(name)).endsWith('/dist/index.js')) bad += 1;
}
if (bad > 0) {
  console.error(`pack-check: ${bad} module(s) resolve outside ${inside} or not to dist/`);
  process.exit(1);
}
EOF

step "typecheck against the published types"
npx --no-install tsc --noEmit

step "the example's tests, on the packed packages"
npx --no-install vitest run

step "pack-check passed"
for name in "${PACKAGES[@]}"; do
  printf '%-28s %s\n' "$(basename "${TARBALL[$name]}")" "$(human "$(stat -c %s "${TARBALL[$name]}")")"
done
echo "npm install: $((INSTALL_MS / 1000)).$(printf '%03d' $((INSTALL_MS % 1000)))s"
