# syntax=docker/dockerfile:1
#
# kasm-operator image: TypeScript compiled in a full Node 24 image, run from a distroless Node 24
# image that has no shell, no package manager and a non-root user.
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
COPY src ./src
RUN npm run build
# Drop the compiler, test tools and the developers' Node binary; what is left is copied to the runtime.
RUN npm prune --omit=dev --ignore-scripts

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
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps
# Owned by root and read-only to the process: it writes nothing outside /tmp (an emptyDir in the chart).
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
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
