import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { githubServerProblem, missingGithubTokenMessage, modelAccessProblem, readinessProblems } from '../../../src/readiness/work-readiness.js';

describe('what would stop real work', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'awo-readiness-'));
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  const answering: typeof fetch = async () => new Response(null, { status: 200 });
  const refusing: typeof fetch = async () => {
    throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
  };

  it('names the missing GitHub token, model access and an unanswering GITHUB_SERVER_URL, in plain words', async () => {
    const problems = await readinessProblems({ githubToken: async () => undefined, env: { HOME: home }, githubServerUrl: 'http://127.0.0.1:9', fetch: refusing });
    expect(problems).toEqual([
      missingGithubTokenMessage,
      `no way for the agent to reach a model: set ANTHROPIC_API_KEY (or ANTHROPIC_BASE_URL for a gateway), or log in with \`claude\` (no login found in ${path.join(home, '.claude')})`,
      'GITHUB_SERVER_URL http://127.0.0.1:9 does not answer (connect ECONNREFUSED 127.0.0.1:9): repositories cannot be cloned or pushed',
    ]);
    expect(missingGithubTokenMessage).toMatch(/^no GitHub token: .*set GITHUB_TOKEN \(or GH_TOKEN\) or save github_token/);
  });

  it('finds nothing missing with a token, an API key and a server that answers (any status)', async () => {
    const notFound: typeof fetch = async () => new Response('nope', { status: 404 });
    expect(await readinessProblems({ githubToken: async () => 'ghp_x', env: { HOME: home, ANTHROPIC_API_KEY: 'sk-ant-x' }, githubServerUrl: 'https://github.com', fetch: notFound })).toEqual([]);
    expect(await githubServerProblem('https://github.com', answering)).toBeNull();
  });

  it('says so when the saved token cannot be read', async () => {
    const problems = await readinessProblems({
      githubToken: async () => {
        throw new Error('stored secret cannot be decrypted');
      },
      env: { ANTHROPIC_BASE_URL: 'http://127.0.0.1:1' },
      githubServerUrl: 'https://github.com',
      fetch: answering,
    });
    expect(problems).toEqual(['the saved GitHub token cannot be read (stored secret cannot be decrypted); save it again or set GITHUB_TOKEN']);
  });

  it('counts a Claude login in the agent config folder (credentials file, or the account in the config file)', async () => {
    const configDir = path.join(home, 'claude-config');
    await mkdir(configDir);
    expect(await modelAccessProblem({ HOME: home, CLAUDE_CONFIG_DIR: configDir })).toContain(`no login found in ${configDir}`);
    await writeFile(path.join(configDir, '.credentials.json'), '{"claudeAiOauth":{}}');
    expect(await modelAccessProblem({ HOME: home, CLAUDE_CONFIG_DIR: configDir })).toBeNull();

    expect(await modelAccessProblem({ HOME: home })).not.toBeNull();
    await writeFile(path.join(home, '.claude.json'), JSON.stringify({ oauthAccount: { emailAddress: 'dev@example.test' } }));
    expect(await modelAccessProblem({ HOME: home })).toBeNull();
  });
});
