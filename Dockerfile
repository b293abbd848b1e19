# syntax=docker/dockerfile:1
# Builds any service of the monorepo: docker build --build-arg SERVICE=scoring -t readmit-scoring .
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS source
WORKDIR /app
COPY package.json package-lock.json ./
# Our patches to dependencies (patch-package, run by npm install's postinstall).
COPY patches ./patches
# npm install, not npm ci: the lock file is written on one platform and lacks other platforms'
# optional packages, which npm ci refuses.
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY contracts ./contracts
COPY services ./services

# The readmit CLI (TypeScript through tsx, as bin/readmit.js runs it), e.g. for the Kubernetes
# Job that creates the topics: docker build --target cli -t readmit/cli .
FROM source AS cli
COPY bin ./bin
USER node
ENTRYPOINT ["node", "bin/readmit.js"]

FROM source AS build
ARG SERVICE
RUN test -n "$SERVICE" || (echo "build with --build-arg SERVICE=<ingest|trainer|registry|scoring|gateway|monitor|backfill>" && exit 1)
RUN npx nest build "$SERVICE" && npm prune --omit=dev

FROM ${NODE_IMAGE}
ARG SERVICE
ENV NODE_ENV=production \
    SERVICE=${SERVICE} \
    READMIT_HTTP_PORT=3000
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.READMIT_HTTP_PORT+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["sh", "-c", "exec node dist/services/${SERVICE}/src/main.js"]
