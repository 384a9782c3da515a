# syntax=docker/dockerfile:1
#
# kasm-operator image: TypeScript type-checked and bundled (esbuild, scripts/bundle.ts) in a full
# Node 24 image, run from a distroless Node 24 image that has no shell, no package manager and a
# non-root user. The runtime holds one file, dist/main.js, with every dependency inside it.
#
#   docker build --build-arg VERSION=$(node -p 'require("./package.json").version') -t kasm-operator .
#
# Pin the base images by digest in release builds: --build-arg BUILD_IMAGE=node:24-trixie-slim@sha256:...
ARG BUILD_IMAGE=node:24-trixie-slim
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs24-debian13:nonroot

FROM ${BUILD_IMAGE} AS build
WORKDIR /app
# NODE_ENV=production would make `npm ci` skip the compiler; keep it out of the build stage.
ENV NODE_ENV=development \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
# Dependencies first so this layer is reused while only the source changes.
COPY package.json package-lock.json ./
# --ignore-scripts: no production dependency has an install script, and the `node` devDependency's
# would download a second Node 24 only meant for developers' machines; this image's Node 24 builds.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/bundle.ts ./scripts/bundle.ts
COPY src ./src
# Type-checks (tsc, no output), then bundles src/main.ts into dist/main.js (+ dist/main.js.map).
RUN npm run build

FROM ${RUNTIME_IMAGE} AS runtime
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
ARG SOURCE_URL=https://github.com/kasm-operator/kasm-operator
LABEL org.opencontainers.image.title="kasm-operator" \
      org.opencontainers.image.description="Kubernetes operator that manages Kasm Workspaces declaratively through the Kasm developer API" \
      org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0"
WORKDIR /app
# Memory (README "Performance"): without a cap V8 sizes its heap from the machine and lets garbage
# grow to several times what is live before collecting (869 MiB peak RSS at 10,000 objects, of
# which ~100 MiB live). --max-old-space-size caps the heap and also makes V8 collect at about
# 1.35 x the live heap. It needs --max-semi-space-size with it: with the cap alone V8 kept its
# default young generation and ran a full collection every 70 ms with 55 of 160 MiB used. 8 MiB
# semi-spaces cost 16 MiB: creating 10,000 objects took 3,100 scavenges (18 s of pauses); with
# 2 MiB, 16,600 (81 s). With 160 MiB: 266-278 MiB peak RSS at 10,000 objects, time to all Ready
# no longer than without a cap. The chart replaces NODE_OPTIONS with one
# sized from resources.limits.memory (values.yaml: nodeHeap, nodeOptions); elsewhere set it for
# the memory given (the heap cap at about half of it).
# MALLOC_ARENA_MAX=2: glibc otherwise gives each of Node's threads its own malloc arena, memory
# that is rarely returned. Source maps are off: --enable-source-maps holds the bundle's map in the
# heap (about +10 MiB heap, +25 MiB RSS); add it to NODE_OPTIONS when stack traces must point into
# src/ (dist/main.js.map is in the image).
ENV NODE_ENV=production \
    NODE_OPTIONS="--max-old-space-size=160 --max-semi-space-size=8" \
    MALLOC_ARENA_MAX=2
# Owned by root and read-only to the process: it writes nothing outside /tmp (an emptyDir in the chart).
# No node_modules: the bundle holds every dependency; package.json says dist/main.js is an ES module.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/dist ./dist
# 65532 is distroless's "nonroot"; numeric so Kubernetes can verify runAsNonRoot without /etc/passwd.
USER 65532:65532
# /healthz, /readyz and /metrics. No HEALTHCHECK: Kubernetes probes these itself, and a Docker
# HEALTHCHECK would need a shell or an HTTP client in the image.
EXPOSE 8080
# Node runs as PID 1 without an init: the operator installs its own SIGTERM/SIGINT handlers (a PID 1
# without handlers would ignore SIGTERM) and starts no child processes, so there are no zombies to
# reap and tini would add nothing. Exec form, so no shell is needed and signals reach node directly.
ENTRYPOINT ["/nodejs/bin/node", "/app/dist/main.js"]
