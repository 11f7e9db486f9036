# syntax=docker/dockerfile:1
#
# Twofold SPA served by unprivileged nginx (port 8080), which also proxies
# /api/ to the API service.
# Build from the repository root:
#   docker build -f docker/web.Dockerfile -t twofold-web .
# The build context is filtered by docker/web.Dockerfile.dockerignore.

ARG NODE_IMAGE=node:20-bookworm-slim
# nginx >= 1.27.3 is required: nginx.conf uses "resolve" in its upstream block.
ARG NGINX_IMAGE=nginxinc/nginx-unprivileged:1.27-alpine

# ---------------------------------------------------------------------------
# build: compile mfa-core and the SPA into apps/web/dist
# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
# Keep in step with "packageManager" in the root package.json.
ARG PNPM_VERSION=10.34.9
ENV CI=true \
    TURBO_TELEMETRY_DISABLED=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false
RUN npm install --global "pnpm@${PNPM_VERSION}" \
 && npm cache clean --force \
 && pnpm --version
WORKDIR /repo

COPY pnpm-lock.yaml pnpm-workspace.yaml ./
# pnpm-workspace.yaml names the dependency patches; pnpm reads them with the lockfile.
COPY packages/db/patches packages/db/patches
RUN pnpm fetch

COPY . .
RUN pnpm install --frozen-lockfile --offline
RUN pnpm turbo run build --filter=@twofold/web... \
 && test -f apps/web/dist/index.html

# ---------------------------------------------------------------------------
# runtime: nginx as uid 101, listening on 8080
# ---------------------------------------------------------------------------
FROM ${NGINX_IMAGE} AS runtime

# docker/nginx.conf is rendered by the image's entrypoint (envsubst) into
# /etc/nginx/conf.d/default.conf at start-up:
#   API_UPSTREAM           host:port of the API (a name with several A records
#                          is balanced across all of them and re-resolved)
#   NGINX_LOCAL_RESOLVERS  filled from /etc/resolv.conf because
#                          NGINX_ENTRYPOINT_LOCAL_RESOLVERS is set
ENV API_UPSTREAM=api:3000 \
    NGINX_ENTRYPOINT_LOCAL_RESOLVERS=1

USER root
RUN rm -f /etc/nginx/conf.d/default.conf
COPY docker/nginx.conf /etc/nginx/templates/default.conf.template
COPY --from=build /repo/apps/web/dist /usr/share/nginx/html
USER 101

EXPOSE 8080

HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 \
  CMD ["wget", "-q", "--spider", "http://127.0.0.1:8080/"]
