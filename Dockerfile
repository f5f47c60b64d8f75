# syntax=docker/dockerfile:1
#
# Switchyard gateway image. The build stage compiles the TypeScript workspaces with the dev
# toolchain; the runtime image holds only production dependencies and the compiled dist/.
#
#   docker build -t switchyard .
#   docker run --rm -p 4000:4000 -p 9091:9091 switchyard                 # demo mode: the mock model
#   docker run --rm -p 4000:4000 -p 9091:9091 \
#     -v "$PWD/config.yaml:/etc/switchyard/config.yaml:ro" switchyard --config /etc/switchyard/config.yaml
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
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund

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
USER node
# API, Prometheus metrics.
EXPOSE 4000 9091
# curl is not in the image: Node itself checks liveness.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.SWITCHYARD_HEALTH_PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "apps/gateway/dist/main.js"]
CMD []
