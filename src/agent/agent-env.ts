const allowedNames = new Set([
  'PATH',
  'HOME',
  'USER',
  'LANG',
  'TMPDIR',
  'SHELL',
  'TERM',
  'IS_SANDBOX',
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
]);
const allowedPrefixes = ['LC_', 'ANTHROPIC_', 'CLAUDE_', 'DISABLE_'];

/**
 * The agent's environment, from an allow-list: the agent runs arbitrary commands in the sandbox, so it gets what the
 * CLI needs and nothing else (above all never the GitHub token, which only the service uses to push).
 */
export function buildAgentEnv(source: NodeJS.ProcessEnv, runningAsRoot = process.getuid?.() === 0): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined) continue;
    if (allowedNames.has(name) || allowedPrefixes.some((prefix) => name.startsWith(prefix))) env[name] = value;
  }
  // Claude Code refuses --dangerously-skip-permissions as root unless told it is sandboxed.
  if (runningAsRoot) env.IS_SANDBOX = '1';
  return env;
}
