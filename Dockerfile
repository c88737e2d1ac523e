# syntax=docker/dockerfile:1
# riskwire service image; the Network Signals simulator runs from the same image
# with `node dist/src/simulator/main.js` (see docker-compose.yml).

ARG NODE_IMAGE=node:20.19-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
# .dockerignore keeps node_modules, dist, tests, docs and deploy files out of the context.
COPY . .
# proto/ and policies/ may be absent: create them so the runtime COPY never fails. .proto files
# kept next to their TypeScript are mirrored into dist/ for code that resolves them relative
# to its own compiled file.
RUN npm run build \
 && mkdir -p proto policies \
 && (cd src && find . -name '*.proto' -exec cp --parents {} ../dist/src/ \;) \
 && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
# RISKWIRE_ENV=production fails closed: without API keys, a real upstream key and the signing secrets the service
# refuses to start, naming the variables (src/config/production-guard.ts). Local stacks set development explicitly.
ENV NODE_ENV=production \
    RISKWIRE_ENV=production \
    NODE_OPTIONS="--max-old-space-size=256" \
    HTTP_PORT=8080 \
    GRPC_PORT=50051
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./package.json
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --from=build --chown=root:root /app/policies ./policies
# proto/: risk.proto, which the gRPC server encodes with, and riskwire-descriptor-set.binpb (compiled by
# buf, committed: `npm run proto`), which gRPC reflection serves. The build needs no buf.
COPY --from=build --chown=root:root /app/proto ./proto
# Files stay root-owned and read-only for the app: it runs as the image's `node` user (uid 1000),
# which matches runAsUser in the Helm chart and works with readOnlyRootFilesystem.
USER node
EXPOSE 8080 50051
# No curl in the slim image: Node's own fetch probes the liveness endpoint.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HTTP_PORT || 8080) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
