# syntax=docker/dockerfile:1
# ERE Monitor: `ere start` with /etc/ere/ere.yaml by default, the database on the /var/lib/ere volume.
# The same image runs the self-contained demo (`ere demo --host 0.0.0.0`): anvil ships in the optional
# dependency @foundry-rs/anvil-linux-amd64 and solc-js is a dependency, so both are in the runtime stage
# (the demo needs a linux/amd64 image; `ere start` works on any platform Node and better-sqlite3 build for).

# The Node version the project is tested with; override with --build-arg NODE_IMAGE=… (a digest pins it harder).
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS build
# better-sqlite3 compiles its addon with node-gyp when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts are skipped because `prepare` would build dist/ before src/ is here; only better-sqlite3's
# install script (its native addon) is needed, so it runs on its own. Dependencies stay cached until the
# lockfile changes.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="ERE Monitor" \
      org.opencontainers.image.description="Ecosystem reliability monitoring for EVM chains, validators and governance: SLIs, SLOs, Prometheus metrics and alerts" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.base.name="node:20.20.2-bookworm-slim"
ENV NODE_ENV=production
# A fixed uid, so that a bind-mounted data directory can be chowned to it on the host.
RUN groupadd --system --gid 10001 ere \
 && useradd --system --uid 10001 --gid ere --home-dir /var/lib/ere --shell /usr/sbin/nologin ere \
 && mkdir -p /var/lib/ere /etc/ere \
 && chown ere:ere /var/lib/ere
WORKDIR /app
# The application files stay owned by root: the service can read them, not change them.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY migrations ./migrations
# GET /runbooks/:name serves these: the runbook_url of every Prometheus alert in alerts/ points there.
COPY docs/runbooks ./docs/runbooks
COPY deploy/ere/ere.yaml /etc/ere/ere.yaml
USER 10001:10001
# A new named volume takes this directory's owner (the ere user) from the image.
VOLUME ["/var/lib/ere"]
EXPOSE 9470
# Node itself asks /readyz (the slim image has no curl): 503 until the database is migrated and the
# collectors are scheduled. ERE_HEALTHCHECK_PORT follows a server.port other than 9470.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.ERE_HEALTHCHECK_PORT||9470)+'/readyz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/ere.js"]
CMD ["start", "--config", "/etc/ere/ere.yaml"]
