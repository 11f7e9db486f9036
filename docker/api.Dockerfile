# syntax=docker/dockerfile:1
#
# Twofold API image (serves the built SPA on the same port).
# Build from the repository root:
#   docker build -f docker/api.Dockerfile -t twofold-api .
# The build context is filtered by docker/api.Dockerfile.dockerignore.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------
# base: Node + pnpm (installed with npm; corepack is not used)
# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS base
# Keep in step with "packageManager" in the root package.json, otherwise pnpm
# downloads and switches to that version on first use.
ARG PNPM_VERSION=10.34.9
ENV CI=true \
    TURBO_TELEMETRY_DISABLED=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false
RUN npm install --global "pnpm@${PNPM_VERSION}" \
 && npm cache clean --force \
 && pnpm --version
WORKDIR /repo

# ---------------------------------------------------------------------------
# build: install, compile mfa-core -> db -> fastify -> api and the SPA, then produce a
# self-contained production copy of @twofold/api in /out
# ---------------------------------------------------------------------------
FROM base AS build

# Only the lockfile and workspace file: this layer (every package tarball) stays
# cached until the dependencies change.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
# pnpm-workspace.yaml names the dependency patches; pnpm reads them with the lockfile.
COPY packages/db/patches packages/db/patches
RUN pnpm fetch

COPY . .
RUN pnpm install --frozen-lockfile --offline

# ^build in turbo.json builds packages/mfa-core, packages/db and packages/fastify (dist/) first.
RUN pnpm turbo run build --filter=@twofold/api... --filter=@twofold/web...

# pnpm 10 only deploys from workspaces with inject-workspace-packages=true;
# this workspace links its packages, so the legacy implementation is used.
# Workspace dependencies are copied into /out/node_modules according to their
# package.json "files" list; the checks below fail the build if dist/ or the
# SQL migrations did not make it.
RUN pnpm --filter @twofold/api deploy --prod --legacy --offline /out \
 && test -f /out/dist/server.js \
 && test -f /out/node_modules/@twofold/mfa-core/dist/index.js \
 && test -f /out/node_modules/@twofold/db/dist/index.js \
 && test -f /out/node_modules/@twofold/fastify/dist/index.js \
 && test -f /out/node_modules/@twofold/db/drizzle/meta/_journal.json \
 && ls /out/node_modules/@twofold/db/drizzle/*.sql > /dev/null \
 && test -f /repo/apps/web/dist/index.html

# ---------------------------------------------------------------------------
# runtime: production dependencies, compiled JavaScript, migrations, SPA
# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    WEB_DIST_DIR=/app/web \
    DATA_DIR=/data

WORKDIR /app

# Application files stay owned by root (read-only for the process); only the
# data directory (embedded state when DATABASE_URL is unset) is writable.
RUN mkdir -p /data && chown node:node /data

COPY --from=build /out /app
COPY --from=build /repo/apps/web/dist /app/web

USER node

EXPOSE 3000

HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

CMD ["node", "dist/server.js"]
