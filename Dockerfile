# syntax=docker/dockerfile:1
# Multi-stage build: compile TypeScript and native modules (better-sqlite3) in a full
# image, ship only the production dependencies and dist/ on a slim LTS image, as non-root.

FROM node:22-bookworm AS build
WORKDIR /app
# Toolchain for better-sqlite3 when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY schemas ./schemas
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=8080 \
    HOST=0.0.0.0 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/schemas ./schemas
# The dashboard's page, served as is (no build step) beside dist/.
COPY --chown=node:node web ./web
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
# 8081 is the admin port (KPI API, dashboard). It listens on loopback unless run with
# ADMIN_HOST=0.0.0.0, which also needs ADMIN_TOKEN; publish it only to operators.
EXPOSE 8080 8081
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM (docker stop) drains: stop accepting, finish requests, flush the spool for SHUTDOWN_GRACE_MS.
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
