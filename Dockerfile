# syntax=docker/dockerfile:1
# bundle-api: multi-stage build. Stage 1 installs everything and compiles (tsc + the merchant page);
# stage 2 keeps production dependencies and the build output, and runs as a non-root user.
# Node 24 (LTS, supported to April 2028): Node 20 reached its end of life in April 2026. The suite runs
# on Node 20.19+ (the development machines) and on Node 24 (this image); .ci/run runs it on both.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=8080 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json /app/package-lock.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# Migrations are read at start-up from db/migrations (found from the project root, package.json).
COPY --from=build --chown=node:node /app/db/migrations ./db/migrations
# Embedded PGlite only (no DATABASE_URL): its data directory, owned by the runtime user.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
# Cloud Run sends SIGTERM and allows 10 s: node is PID 1 here and handles it itself.
CMD ["node", "dist/src/server.js"]
