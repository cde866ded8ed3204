import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { configSchema, projectRoot } from '../../../src/config.js';
import {
  allowedPrefixes,
  checkCompose,
  checkDockerfile,
  composeOnlyVariables,
  interpolatedVariables,
  missingEntryPoints,
  namedMounts,
  type ComposeFile,
} from '../../utils/deploy-checks.js';

const read = (file: string) => fs.readFileSync(path.join(projectRoot, file), 'utf8');
const composeText = read('docker-compose.yml');
// `merge`: compose resolves `<<: *anchor` merge keys, and so must the parse the checks look at.
const loadCompose = (): ComposeFile => parse(composeText, { merge: true }) as ComposeFile;
const loadComposeService = (name: string) => loadCompose().services[name]!;
const schemaKeys = new Set(Object.keys(configSchema.shape));
const isConfigVariable = (name: string) => schemaKeys.has(name);
const dockerfile = read('Dockerfile');
const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { version?: string }> };
const claudeCodeVersion = lock.packages['node_modules/@anthropic-ai/claude-code']!.version!;
const envExampleNames = [...read('.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]!);

describe('docker-compose.yml', () => {
  it('has the services, health checks, volumes, dependencies and environment the deployment needs', () => {
    expect(checkCompose(loadCompose(), isConfigVariable)).toEqual([]);
  });

  it('runs entry points that exist in the sources', () => {
    expect(missingEntryPoints(loadCompose(), projectRoot)).toEqual([]);
  });

  it('reads only variables .env.example documents, from the config schema or the compose-only list', () => {
    const names = interpolatedVariables(composeText);
    expect(names).toEqual(expect.arrayContaining(['AWO_PORT', 'POSTGRES_PASSWORD']));
    expect(names.filter((name) => !envExampleNames.includes(name))).toEqual([]);
    expect(names.filter((name) => !isConfigVariable(name) && !composeOnlyVariables.includes(name))).toEqual([]);
  });

  it('mounts the Temporal dynamic config that exists in the repository', () => {
    const mounts = (loadCompose().services.temporal?.volumes ?? []).map(String).filter((volume) => volume.startsWith('./'));
    expect(mounts.length).toBeGreaterThan(0);
    for (const mount of mounts) expect(fs.existsSync(path.join(projectRoot, mount.split(':')[0]!))).toBe(true);
  });

  describe('catches a broken compose file', () => {
    const broken = (change: (compose: ComposeFile) => void) => {
      const compose = loadCompose();
      change(compose);
      return checkCompose(compose, isConfigVariable);
    };

    it('a missing service or health check', () => {
      expect(broken((compose) => delete compose.services['temporal-ui'])).toContain('service temporal-ui is missing');
      expect(broken((compose) => delete compose.services.worker!.healthcheck)).toContain('worker runs on but has no health check');
    });

    it('a worker that cannot be scaled', () => {
      expect(broken((compose) => (compose.services.worker!.container_name = 'worker'))).toContain('worker has a container_name, so --scale cannot start a second one');
      expect(broken((compose) => (compose.services.worker!.ports = ['9000:9000']))).toContain('worker publishes ports, so a second replica would collide on them');
    });

    it('an unmounted or undeclared data volume', () => {
      expect(broken((compose) => (compose.services.api!.volumes = compose.services.api!.volumes!.filter((volume) => !String(volume).startsWith('config:'))))).toContain(
        'api does not mount the config volume',
      );
      expect(broken((compose) => delete compose.volumes!.config)).toContain('named volume config is not declared');
    });

    it('sandboxes or mirrors shared between worker hosts, or read by the API', () => {
      expect(broken((compose) => compose.services.worker!.volumes!.push('repositories:/data/repositories'))).toContain(
        'worker mounts repositories: sandboxes and mirrors belong to one worker host, not to a shared volume',
      );
      expect(broken((compose) => compose.services.api!.volumes!.push('worker-hosts:/data/hosts'))).toContain("api mounts worker-hosts: the API reads nothing from a worker's disk");
      expect(broken((compose) => (compose.services.worker!.volumes = ['config:/data/config']))).toContain('worker does not mount the worker-hosts volume');
      expect(broken((compose) => (compose.services.worker!.command = ['node', 'dist/entrypoints/worker-main.js']))).toEqual(
        expect.arrayContaining(['worker: AWO_REPOSITORY_DIR is not /data/hosts/<host id>/repositories', 'worker: AWO_WORK_ORDER_DIR is not /data/hosts/<host id>/work-orders']),
      );
    });

    it('a dependency that does not wait for readiness', () => {
      expect(broken((compose) => (compose.services.api!.depends_on = ['setup']))).toEqual(
        expect.arrayContaining(['api: depends_on without conditions only waits for a start, not for readiness', 'api must wait for setup (service_completed_successfully)']),
      );
      expect(broken((compose) => (compose.services.worker!.depends_on = { setup: { condition: 'service_started' } }))).toContain(
        'worker depends on setup with condition service_started: expected service_healthy or service_completed_successfully',
      );
    });

    it('a GitHub token in a worker\'s or the API\'s environment, or no token secret', () => {
      const environment = (service: string) => loadComposeService(service).environment as Record<string, string>;
      expect(broken((compose) => ((compose.services.worker!.environment as Record<string, string>).GITHUB_TOKEN = '${GITHUB_TOKEN}'))).toContain(
        'worker: GITHUB_TOKEN is not cleared ("") in its environment: the token must come from the github_token secret',
      );
      expect(broken((compose) => delete (compose.services.worker!.environment as Record<string, string>).GH_TOKEN)).toContain(
        'worker: GH_TOKEN is not cleared ("") in its environment: the token must come from the github_token secret',
      );
      expect(broken((compose) => ((compose.services.api!.environment as Record<string, string>).GITHUB_TOKEN = 'ghp_x'))).toContain(
        'api: GITHUB_TOKEN is not cleared ("") in its environment: the token must come from the github_token secret',
      );
      expect(broken((compose) => delete compose.services.worker!.secrets)).toContain('worker does not mount the github_token secret');
      expect(broken((compose) => delete compose.secrets)).toContain('the github_token secret is not declared from a file');
      expect(broken((compose) => delete (compose.services.worker!.environment as Record<string, string>).GITHUB_TOKEN_FILE)).toContain(
        'worker: GITHUB_TOKEN_FILE is not /run/secrets/github_token',
      );
      expect(environment('worker').GITHUB_TOKEN_FILE).toBe('/run/secrets/github_token');
    });

    it('a worker that cannot run the agent as another user', () => {
      expect(broken((compose) => delete compose.services.worker!.user)).toContain("worker runs as the image's user, not root, so the agent cannot run as another user");
      expect(broken((compose) => (compose.services.worker!.user = 'awo'))).toContain('worker runs as awo, not root, so the agent cannot run as another user');
      expect(broken((compose) => delete (compose.services.worker!.environment as Record<string, string>).AWO_AGENT_USER)).toContain(
        "worker: AWO_AGENT_USER is unset; expected the image's unprivileged agent user",
      );
      expect(broken((compose) => ((compose.services.worker!.environment as Record<string, string>).AWO_AGENT_USER = 'root'))).toContain(
        "worker: AWO_AGENT_USER is root; expected the image's unprivileged agent user",
      );
    });

    it('an environment variable the service does not know', () => {
      expect(broken((compose) => ((compose.services.worker!.environment as Record<string, string>).AWO_MAX_CONCURENT = '3'))).toContain(
        'worker passes AWO_MAX_CONCURENT, which is neither in the config schema nor on the allow-list',
      );
    });
  });
});

describe('.env.example', () => {
  it('carries only schema variables, the agent pass-through ones and the compose-only ones', () => {
    const unknown = envExampleNames.filter((name) => !isConfigVariable(name) && !composeOnlyVariables.includes(name) && !allowedPrefixes.some((prefix) => name.startsWith(prefix)));
    expect(unknown).toEqual([]);
  });
});

describe('Dockerfile', () => {
  it('is multi-stage on Debian, runs as a non-root user, with git and the locked Claude Code version', () => {
    expect(checkDockerfile(dockerfile, claudeCodeVersion)).toEqual([]);
  });

  it('catches an Alpine base, a root user, a missing git and a Claude Code version that drifted', () => {
    expect(checkDockerfile(dockerfile.replace(/ARG NODE_IMAGE=\S+/, 'ARG NODE_IMAGE=node:22-alpine'), claudeCodeVersion)).toContain(
      "FROM node:22-alpine: Alpine (musl) cannot load Temporal's native bridge",
    );
    expect(checkDockerfile(dockerfile.replace(/^USER awo$/m, 'USER root'), claudeCodeVersion)).toContain('the runtime stage runs as root');
    expect(checkDockerfile(dockerfile.replace(/--no-install-recommends git /, '--no-install-recommends '), claudeCodeVersion)).toContain('git is not installed');
    expect(checkDockerfile(dockerfile.replace(/ awo-agent(\s)/, ' agent$1'), claudeCodeVersion)).toContain('the agent user awo-agent is not created');
    expect(checkDockerfile(dockerfile, '9.9.9')).toContain(`Claude Code ${claudeCodeVersion} in the image, 9.9.9 in package-lock.json`);
  });

  it('keeps secrets and local builds out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((line) => line.trim());
    expect(ignored).toEqual(expect.arrayContaining(['.env', 'node_modules', 'dist', '.git']));
  });

  it('creates the volume mount points the compose file uses, owned by the service user', () => {
    const { api, worker } = loadCompose().services;
    for (const target of [...Object.values(namedMounts(api!)), ...Object.values(namedMounts(worker!))]) expect(dockerfile).toMatch(new RegExp(`install -d -m 0700 -o awo -g awo[^\\n]*\\s${target}(\\s|$)`, 'm'));
  });
});
