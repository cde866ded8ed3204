# syntax=docker/dockerfile:1
# The service image: API, worker and the one-shot Temporal setup all run from it (docker-compose.yml picks the entry
# point). Debian, not Alpine: Temporal's native Core bridge is built for glibc and does not load on musl.
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# Compile, then drop the dev dependencies so the runtime stage copies production modules only.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
# Keep in step with @anthropic-ai/claude-code in package-lock.json (test/unit/deploy/compose.spec.ts checks it): the
# stream-json behaviour the service relies on was verified on that version.
ARG CLAUDE_CODE_VERSION=2.1.197
# git: sandboxes, commits and pushes; ca-certificates: HTTPS to GitHub and the model API.
RUN apt-get update \
  && apt-get install -y --no-install-recommends git ca-certificates \
  && rm -rf /var/lib/apt/lists/*
# The CLI's native binary comes in a platform package (an optional dependency), so no install script is needed.
RUN npm install -g --no-audit --no-fund "@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}" \
  && npm cache clean --force \
  && claude --version
# Agents commit in the sandboxes; a fallback identity (GIT_AUTHOR_* / GIT_COMMITTER_* in .env override it).
RUN git config --system user.name "Agent Work Orders" \
  && git config --system user.email "agent-work-orders@localhost"
# Fixed uids, so files on the named volumes keep one owner across rebuilds. awo runs the API and the setup and owns the
# config volume (secret key, store files: 0700/0600). The worker runs as root only so that it can run the agent as
# awo-agent, a third user that can read neither awo's config nor root's environment (src/agent/agent-identity.ts).
RUN groupadd --system --gid 10001 awo \
  && useradd --system --uid 10001 --gid awo --create-home --home-dir /home/awo --shell /usr/sbin/nologin awo \
  && useradd --system --uid 10002 --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin awo-agent \
  && install -d -m 0700 -o awo -g awo /data /data/repositories /data/work-orders /data/config /data/temporal /data/hosts \
  && chmod 0701 /data /data/hosts
# Named volumes start as copies of these folders, so they are created owned by awo with mode 0700; /data and /data/hosts
# are 0701: the agent user may enter them by name (to reach its sandbox) but not list them.

WORKDIR /app
# MALLOC_ARENA_MAX: two glibc malloc arenas instead of one per thread, as `npm start` runs it (README, Memory).
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    AWO_HOME=/data \
    AWO_HOST=0.0.0.0
COPY --from=build --chown=root:root /app/package.json /app/package-lock.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --from=build --chown=root:root /app/scripts ./scripts
COPY --from=build --chown=root:root /app/.claude/commands ./.claude/commands

# The API and the setup run as awo; the worker service overrides this with `user: root` (docker-compose.yml).
USER awo
EXPOSE 8888
CMD ["node", "dist/entrypoints/api-main.js"]
