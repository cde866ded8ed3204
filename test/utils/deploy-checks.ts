import fs from 'node:fs';
import path from 'node:path';

/**
 * Structural checks of docker-compose.yml and the Dockerfile, for machines without a Docker engine. Each returns
 * the problems it found, so a test can show that a broken file is caught, not only that the real one passes.
 */

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  container_name?: string;
  ports?: unknown[];
  restart?: string;
  env_file?: string | string[] | { path: string }[];
  environment?: Record<string, string | number | boolean | null> | string[];
  volumes?: (string | { source?: string; target?: string; type?: string })[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  user?: string;
  secrets?: (string | { source: string; target?: string })[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  secrets?: Record<string, { file?: string; environment?: string }>;
}

export const requiredServices = ['postgresql', 'temporal', 'temporal-ui', 'setup', 'api', 'worker'];
/** The services built from this repository that read the service's configuration. */
export const ownServices = ['setup', 'api', 'worker'];
/** Shared by the API and every worker. */
export const sharedVolumes = ['config'];
/** The workers' own folders: one volume, a subfolder per worker host, mounted by the workers alone. */
export const workerHostsVolume = 'worker-hosts';

/**
 * Names the compose file or .env.example may carry that are not in the config schema, and why: the agent's own
 * variables (passed through to Claude Code and git), and those compose alone reads.
 */
export const allowedPrefixes = ['ANTHROPIC_', 'CLAUDE_CODE_', 'GIT_AUTHOR_', 'GIT_COMMITTER_'];
export const composeOnlyVariables = [
  'POSTGRES_USER',
  'POSTGRES_PASSWORD',
  'POSTGRES_VERSION',
  'TEMPORAL_VERSION',
  'TEMPORAL_UI_VERSION',
  'TEMPORAL_HOST_PORT',
  'TEMPORAL_UI_HOST_PORT',
  'PUBLISH_ADDRESS',
  'GITHUB_TOKEN_SECRET_FILE',
];

/** The compose secret holding the GitHub token, and where the services that use it read it. */
export const githubTokenSecret = 'github_token';
export const githubTokenFile = `/run/secrets/${githubTokenSecret}`;

const oneShot = (service: ComposeService) => service.restart === 'no';

export function environmentNames(service: ComposeService): string[] {
  const { environment } = service;
  if (!environment) return [];
  return Array.isArray(environment) ? environment.map((entry) => entry.split('=')[0]!) : Object.keys(environment);
}

function environmentValue(service: ComposeService, name: string): string | undefined {
  const { environment } = service;
  if (!environment) return undefined;
  if (Array.isArray(environment)) return environment.find((entry) => entry.startsWith(`${name}=`))?.slice(name.length + 1);
  const value = environment[name];
  return value === null || value === undefined ? undefined : String(value);
}

/** Named-volume mounts as {volume: target}; bind mounts (./ or /) are left out. */
export function namedMounts(service: ComposeService): Record<string, string> {
  const mounts: Record<string, string> = {};
  for (const volume of service.volumes ?? []) {
    const [source, target] = typeof volume === 'string' ? volume.split(':') : [volume.source, volume.target];
    if (source && target && !source.startsWith('.') && !source.startsWith('/')) mounts[source] = target;
  }
  return mounts;
}

export function checkCompose(compose: ComposeFile, isConfigVariable: (name: string) => boolean): string[] {
  const problems: string[] = [];
  const { services } = compose;
  for (const name of requiredServices) if (!services[name]) problems.push(`service ${name} is missing`);

  for (const [name, service] of Object.entries(services)) {
    const test = service.healthcheck?.test;
    if (!oneShot(service) && (!test || test.length === 0 || service.healthcheck?.disable)) problems.push(`${name} runs on but has no health check`);
    const dependsOn = service.depends_on ?? {};
    if (Array.isArray(dependsOn)) {
      if (dependsOn.length > 0) problems.push(`${name}: depends_on without conditions only waits for a start, not for readiness`);
      continue;
    }
    for (const [dependency, { condition } = {}] of Object.entries(dependsOn)) {
      const target = services[dependency];
      if (!target) problems.push(`${name} depends on an unknown service ${dependency}`);
      else if (condition === 'service_healthy' && !target.healthcheck?.test) problems.push(`${name} waits for ${dependency} to be healthy, which has no health check`);
      else if (condition === 'service_completed_successfully' && !oneShot(target)) problems.push(`${name} waits for ${dependency} to complete, which is not a one-shot (restart: "no")`);
      else if (condition !== 'service_healthy' && condition !== 'service_completed_successfully') {
        problems.push(`${name} depends on ${dependency} with condition ${condition ?? '(none)'}: expected service_healthy or service_completed_successfully`);
      }
    }
  }

  const dependency = (from: string, to: string, condition: string) => {
    const dependsOn = services[from]?.depends_on;
    if (!dependsOn || Array.isArray(dependsOn) || dependsOn[to]?.condition !== condition) problems.push(`${from} must wait for ${to} (${condition})`);
  };
  dependency('temporal', 'postgresql', 'service_healthy');
  dependency('temporal-ui', 'temporal', 'service_healthy');
  dependency('setup', 'temporal', 'service_healthy');
  dependency('api', 'setup', 'service_completed_successfully');
  dependency('worker', 'setup', 'service_completed_successfully');

  const worker = services.worker;
  if (worker?.container_name) problems.push('worker has a container_name, so --scale cannot start a second one');
  if (worker?.ports?.length) problems.push('worker publishes ports, so a second replica would collide on them');

  for (const volume of [...sharedVolumes, workerHostsVolume, 'postgresql-data']) {
    if (!compose.volumes || !(volume in compose.volumes)) problems.push(`named volume ${volume} is not declared`);
  }
  for (const name of ['api', 'worker']) {
    const service = services[name];
    if (!service) continue;
    const mounts = namedMounts(service);
    for (const volume of sharedVolumes) {
      const target = mounts[volume];
      if (!target) problems.push(`${name} does not mount the ${volume} volume`);
      else if (environmentValue(service, 'AWO_CONFIG_DIR') !== target) problems.push(`${name}: AWO_CONFIG_DIR is not the ${volume} volume's mount point ${target}`);
    }
    const others = Object.keys(mounts).filter((volume) => !sharedVolumes.includes(volume) && volume !== workerHostsVolume);
    if (others.length > 0) problems.push(`${name} mounts ${others.join(', ')}: sandboxes and mirrors belong to one worker host, not to a shared volume`);
    if (name === 'api' && mounts[workerHostsVolume]) problems.push(`api mounts ${workerHostsVolume}: the API reads nothing from a worker's disk`);
    if (name === 'worker') problems.push(...workerHostFolderProblems(service, mounts[workerHostsVolume]));
    const envFiles = [service.env_file ?? []].flat().map((entry) => (typeof entry === 'string' ? entry : entry.path));
    if (!envFiles.includes('.env')) problems.push(`${name} does not read .env`);
    problems.push(...githubTokenProblems(compose, name, service));
    if (!environmentValue(service, 'TEMPORAL_ADDRESS')) problems.push(`${name} does not name the compose Temporal server in TEMPORAL_ADDRESS`);
  }
  if (services.worker) problems.push(...agentIsolationProblems(services.worker));
  if (services.postgresql?.image && !services.postgresql.image.startsWith('postgres:')) problems.push('postgresql is not the official postgres image');
  for (const name of ownServices) {
    for (const variable of environmentNames(services[name] ?? {})) {
      if (!isConfigVariable(variable) && !allowedPrefixes.some((prefix) => variable.startsWith(prefix))) {
        problems.push(`${name} passes ${variable}, which is neither in the config schema nor on the allow-list`);
      }
    }
  }
  return problems;
}

/**
 * The token reaches the API and the workers as a compose secret file, never as a variable: an environment is readable
 * through /proc/<pid>/environ, and .env (which every service reads) may still carry a GITHUB_TOKEN line, so the
 * service's environment clears both names (an empty value is unset for the service).
 */
function githubTokenProblems(compose: ComposeFile, name: string, service: ComposeService): string[] {
  const problems: string[] = [];
  for (const variable of ['GITHUB_TOKEN', 'GH_TOKEN']) {
    if (environmentValue(service, variable) !== '') problems.push(`${name}: ${variable} is not cleared ("") in its environment: the token must come from the ${githubTokenSecret} secret`);
  }
  const mounted = (service.secrets ?? []).some((secret) => (typeof secret === 'string' ? secret : secret.source) === githubTokenSecret && (typeof secret === 'string' || !secret.target || secret.target === githubTokenSecret));
  if (!mounted) problems.push(`${name} does not mount the ${githubTokenSecret} secret`);
  if (!compose.secrets?.[githubTokenSecret]?.file) problems.push(`the ${githubTokenSecret} secret is not declared from a file`);
  if (environmentValue(service, 'GITHUB_TOKEN_FILE') !== githubTokenFile) problems.push(`${name}: GITHUB_TOKEN_FILE is not ${githubTokenFile}`);
  return problems;
}

/** Only a root worker can run the agent as another user (src/agent/agent-identity.ts); else the agent reads its secrets. */
function agentIsolationProblems(worker: ComposeService): string[] {
  const problems: string[] = [];
  const user = worker.user?.split(':')[0];
  if (user !== 'root' && user !== '0') problems.push(`worker runs as ${worker.user ?? "the image's user"}, not root, so the agent cannot run as another user`);
  const agentUser = environmentValue(worker, 'AWO_AGENT_USER');
  if (!agentUser || agentUser === 'root') problems.push(`worker: AWO_AGENT_USER is ${agentUser ? 'root' : 'unset'}; expected the image's unprivileged agent user`);
  return problems;
}

/**
 * Each worker keeps its mirrors and work-order folders (sandboxes inside) in `<worker-hosts mount>/<host id>/`, which
 * its command exports before starting the worker: two replicas never share a mirror, and retention (which scans these
 * folders) touches only its own host's.
 */
function workerHostFolderProblems(worker: ComposeService, hostsTarget: string | undefined): string[] {
  if (!hostsTarget) return [`worker does not mount the ${workerHostsVolume} volume`];
  const command = [worker.command ?? []].flat().join(' ');
  const problems: string[] = [];
  for (const [variable, folder] of [['AWO_REPOSITORY_DIR', 'repositories'], ['AWO_WORK_ORDER_DIR', 'work-orders']] as const) {
    if (!command.includes(`${variable}=${hostsTarget}/$$host/${folder}`)) problems.push(`worker: ${variable} is not ${hostsTarget}/<host id>/${folder}`);
  }
  if (!command.includes('export AWO_WORKER_HOST_ID=$$host')) problems.push('worker: the host id of the folders is not the one the worker runs as');
  return problems;
}

/** `dist/x/y.js` in a command → the `x/y.ts` source it is compiled from, which must exist. */
export function missingEntryPoints(compose: ComposeFile, projectRoot: string): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    const words = [service.command ?? [], service.healthcheck?.test ?? []].flat().join(' ');
    for (const [, compiled] of words.matchAll(/\bdist\/([\w/.-]+)\.js\b/g)) {
      if (!fs.existsSync(path.join(projectRoot, `${compiled}.ts`))) problems.push(`${name} runs dist/${compiled}.js, but ${compiled}.ts does not exist`);
    }
  }
  return problems;
}

/** `${NAME}`, `${NAME:-default}`, `${NAME:?error}` in the compose file; `$${...}` is an escaped, literal dollar. */
export function interpolatedVariables(composeText: string): string[] {
  return [...new Set([...composeText.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]!))];
}

interface DockerfileStage {
  from: string;
}

export function checkDockerfile(text: string, claudeCodeVersion: string): string[] {
  const problems: string[] = [];
  // Line continuations joined, comments dropped: one instruction per entry.
  const instructions = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const args = new Map<string, string>();
  const stages: DockerfileStage[] = [];
  let user: string | undefined;
  for (const instruction of instructions) {
    const [keyword = '', ...rest] = instruction.split(/\s+/);
    const body = rest.join(' ');
    const upper = keyword.toUpperCase();
    if (upper === 'ARG') {
      const [name, value] = body.split('=');
      if (name && value !== undefined) args.set(name, value.replace(/^"|"$/g, ''));
    } else if (upper === 'FROM') {
      const image = rest[0]!.replace(/\$\{(\w+)\}/g, (_, name: string) => args.get(name) ?? '');
      stages.push({ from: image });
      user = undefined;
    } else if (upper === 'USER') {
      user = body;
    }
  }
  if (stages.length < 2) problems.push('not multi-stage: build and runtime should be separate stages');
  for (const { from } of stages) {
    if (/alpine/i.test(from)) problems.push(`FROM ${from}: Alpine (musl) cannot load Temporal's native bridge`);
    else if (!/bookworm|bullseye|trixie|debian/i.test(from)) problems.push(`FROM ${from}: not a Debian-based image`);
  }
  if (!user || user === 'root' || user === '0' || user.startsWith('0:')) problems.push(`the runtime stage runs as ${user ?? 'root (no USER)'}`);
  const runs = instructions.filter((line) => /^RUN\s/i.test(line)).join('\n');
  if (!/apt-get install[^\n]*\bgit\b/.test(runs)) problems.push('git is not installed');
  if (!/apt-get install[^\n]*\bca-certificates\b/.test(runs)) problems.push('ca-certificates is not installed');
  const claudeInstall = /npm install -g[^\n]*@anthropic-ai\/claude-code@("?)(\$\{CLAUDE_CODE_VERSION\}|[\w.-]+)\1/.exec(runs);
  if (!claudeInstall) problems.push('the Claude Code CLI is not installed globally with a pinned version');
  else {
    const version = claudeInstall[2]!.startsWith('${') ? args.get('CLAUDE_CODE_VERSION') : claudeInstall[2];
    if (version !== claudeCodeVersion) problems.push(`Claude Code ${version} in the image, ${claudeCodeVersion} in package-lock.json`);
  }
  if (!/npm ci\b/.test(runs)) problems.push('dependencies are not installed with npm ci (the lock file)');
  if (!/--omit=dev/.test(runs)) problems.push('dev dependencies are not left out of the runtime');
  if (!/^ENV\s[^\n]*AWO_HOME=\/data\b/m.test(instructions.join('\n'))) problems.push('AWO_HOME is not /data');
  if (!instructions.some((line) => /^WORKDIR\s+\/app$/i.test(line))) problems.push('WORKDIR is not /app');
  if (!instructions.some((line) => /^COPY\s.*\.claude\/commands/i.test(line))) problems.push('the .claude/commands folder is not copied');
  if (!/useradd --system\b[^\n]*\sawo-agent(\s|$)/m.test(runs)) problems.push('the agent user awo-agent is not created');
  return problems;
}
