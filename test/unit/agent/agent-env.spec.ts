import { buildAgentEnv } from '../../../src/agent/agent-env.js';

describe('buildAgentEnv', () => {
  const source = {
    PATH: '/usr/bin',
    HOME: '/home/awo',
    ANTHROPIC_API_KEY: 'sk-ant-x',
    ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
    CLAUDE_CONFIG_DIR: '/tmp/claude',
    LC_ALL: 'C.UTF-8',
    GIT_AUTHOR_NAME: 'Agent',
    GITHUB_TOKEN: 'ghp_secret',
    GH_TOKEN: 'ghp_secret2',
    AWO_SECRET_KEY: 'k',
    AWO_DATABASE_URL: 'postgres://u:p@h/db',
    AWS_SECRET_ACCESS_KEY: 'aws',
  };

  it('passes what the CLI needs and nothing else', () => {
    expect(buildAgentEnv(source, false)).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/awo',
      ANTHROPIC_API_KEY: 'sk-ant-x',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
      CLAUDE_CONFIG_DIR: '/tmp/claude',
      LC_ALL: 'C.UTF-8',
      GIT_AUTHOR_NAME: 'Agent',
    });
  });

  it('never hands the agent a GitHub token or the service secrets', () => {
    const env = buildAgentEnv(source, false);
    for (const secret of ['GITHUB_TOKEN', 'GH_TOKEN', 'AWO_SECRET_KEY', 'AWO_DATABASE_URL', 'AWS_SECRET_ACCESS_KEY']) {
      expect(env).not.toHaveProperty(secret);
    }
  });

  it('marks the sandbox when running as root, which skip-permissions requires', () => {
    expect(buildAgentEnv({ PATH: '/usr/bin' }, true)).toEqual({ PATH: '/usr/bin', IS_SANDBOX: '1' });
  });
});
