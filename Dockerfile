# Switchyard gateway image. The build stage compiles the TypeScript workspaces with the dev
# toolchain; the runtime image holds only production dependencies and the compiled dist/.
# Needs BuildKit (Docker Engine 23.0 or newer, where it is the default builder) for the
# `RUN --mount=type=cache` lines; no `# syntax=` line, so the builder's own Dockerfile frontend
# is used and nothing is fetched from a registry but the base image (works offline or behind a
# registry mirror once node:26-alpine is there).
#
#   docker build -t switchyard .
#   docker run --rm --stop-timeout 30 -p 127.0.0.1:4000:4000 -p 127.0.0.1:9091:9091 switchyard   # demo mode: the mock model
#   docker run --rm --stop-timeout 30 -p 4000:4000 -p 9091:9091 \
#     -v "$PWD/config.yaml:/etc/switchyard/config.yaml:ro" switchyard
#
# The configuration is /etc/switchyard/config.yaml (the working directory's ./config.yaml) or
# SWITCHYARD_CONFIG: the HEALTHCHECK's `switchyard healthcheck` reads it the same way, so it
# probes the configured server.port over http or https. (A `--config` or `--listen` flag given
# to the container reaches the gateway but not the HEALTHCHECK.)
#
# Pure-JavaScript dependencies only (no native add-ons), so the small Alpine image works.

ARG NODE_IMAGE=node:26-alpine

# ---- manifests: package.json of the root and of every workspace (libs/*, plugins/*, apps/*) -----
# Only these and the lockfile decide `npm ci`, so its layers stay cached while sources change.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json -delete && find . -depth -type d -empty -delete

# ---- build: all dependencies, compile every workspace ------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY --from=manifests /src ./
# --ignore-scripts skips the root `prepare` (it would also compile the tests, which are not in the
# build context) and the `node` devDependency's download of a second Node.js: this image has one.
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json ./
COPY libs libs
COPY plugins plugins
COPY apps apps
RUN node node_modules/typescript/bin/tsc -b libs/* plugins/* apps/* \
  && mkdir -p /out \
  && for d in libs/* plugins/* apps/*; do mkdir -p "/out/$d" && cp "$d/package.json" "/out/$d/" && cp -r "$d/dist" "/out/$d/dist"; done \
  && find /out -name '*.tsbuildinfo' -delete

# ---- deps: production dependencies only ---------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY --from=manifests /src ./
# --omit=optional: the optional packages in the tree (platform binaries of dev tools, optional
# peers) are never loaded by the gateway; test/e2e/container.test.ts installs with these same
# flags, asserts the size and starts the gateway from the result.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund

# ---- runtime ------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Production node_modules (the root's and any a workspace nests, e.g. libs/kernel/node_modules) with
# the manifests; node_modules/@switchyard/* are symlinks to the workspace folders, which get their dist.
COPY --from=deps /app ./
COPY --from=build /out ./
# The journal's default directory, writable by the unprivileged user (mount a volume here).
RUN mkdir -p /var/lib/switchyard /etc/switchyard && chown node:node /var/lib/switchyard
# ./config.yaml is found here: mount the configuration at /etc/switchyard/config.yaml.
WORKDIR /etc/switchyard
USER node
# API, Prometheus metrics.
EXPOSE 4000 9091
# The gateway drains on SIGTERM for server.shutdown_grace_seconds (25 s by default): give
# `docker stop` more than that (`docker run --stop-timeout 30`, compose `stop_grace_period: 30s`).
STOPSIGNAL SIGTERM
# curl is not in the image: the gateway's own `healthcheck` command reads the same configuration
# and GETs /healthz on server.port, over https when server.tls is set.
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 \
  CMD ["node", "/app/apps/gateway/dist/main.js", "healthcheck"]
# Exec form: the gateway is PID 1 and receives SIGTERM and SIGHUP (`docker compose kill -s HUP switchyard` reloads).
ENTRYPOINT ["node", "/app/apps/gateway/dist/main.js"]
CMD []
