import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { buildAgentEnv } from '../../../src/agent/agent-env.js';
import type { AgentEvent, AgentRunRequest, RunningAgent } from '../../../src/agent/agent-types.js';
import { ClaudeCodeExecutor } from '../../../src/agent/claude-executor.js';
import { projectRoot } from '../../../src/config.js';
import { bashTurn, startModelServer, textTurn, type ModelServer } from '../../fixtures/model-server.js';

const cliPath = path.join(projectRoot, 'node_modules', '.bin', 'claude');

describe('ClaudeCodeExecutor against the real CLI', () => {
  let server: ModelServer;
  let sandboxPath: string;
  let configDir: string;
  let release: () => void;
  let held: Promise<void>;
  const executor = new ClaudeCodeExecutor(cliPath);
  let running: RunningAgent | undefined;

  beforeEach(async () => {
    held = new Promise((resolve) => (release = resolve));
    server = await startModelServer();
    sandboxPath = await fs.mkdtemp(path.join(os.tmpdir(), 'awo-agent-sandbox-'));
    configDir = await fs.mkdtemp(path.join(os.tmpdir(), 'awo-agent-config-'));
    await execa('git', ['init', '--quiet', sandboxPath]);
  });

  afterEach(async () => {
    release();
    await server.close();
    await fs.rm(sandboxPath, { recursive: true, force: true });
    await fs.rm(configDir, { recursive: true, force: true });
  });

  function request(prompt: string, overrides: Partial<AgentRunRequest> = {}): AgentRunRequest {
    return {
      cwd: sandboxPath,
      prompt,
      model: 'sonnet',
      skipPermissions: true,
      timeoutMs: 120_000,
      env: buildAgentEnv({
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        GITHUB_TOKEN: 'ghp_must_not_reach_the_agent',
        ANTHROPIC_BASE_URL: server.url,
        ANTHROPIC_API_KEY: 'dummy',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        CLAUDE_CONFIG_DIR: configDir,
        IS_SANDBOX: '1',
      }),
      ...overrides,
    };
  }

  it('writes a prompt into the running agent: taken after the current tool call, answered in the same run', async () => {
    server.addRule({ match: 'long task', turns: [bashTurn('sleep 2 && echo first > first.txt'), textTurn('first done')] });
    server.addRule({ match: 'live-prompt-okapi', turns: [bashTurn('echo okapi > okapi.txt'), textTurn('okapi done')] });
    const injected: boolean[] = [];
    const delivered: string[] = [];

    const outcome = await executor.run(
      request('Do the long task', {
        onEvent: (event) => {
          if (event.type === 'tool_used' && injected.length === 0) injected.push(running!.injectPrompt('p-1', 'Also live-prompt-okapi please'));
        },
        onSpawn: (_pid, agent) => (running = agent),
        onPromptDelivered: (promptId) => delivered.push(promptId),
      }),
    );

    expect(injected).toEqual([true]);
    expect(delivered).toEqual(['p-1']);
    expect(outcome.deliveredPromptIds).toEqual(['p-1']);
    expect(outcome.result?.isError).toBe(false);
    expect(server.sawText('live-prompt-okapi')).toBe(true);
    await expect(fs.readFile(path.join(sandboxPath, 'okapi.txt'), 'utf8')).resolves.toBe('okapi\n');
    // Once the run has ended, it takes no more prompts: the caller keeps them for a turn of their own.
    expect(running!.injectPrompt('p-2', 'too late')).toBe(false);
  });

  it('runs a further turn for a prompt written while the final answer was on its way', async () => {
    server.addRule({ match: 'quick task', turns: [bashTurn('echo quick'), { text: 'quick done', delayMs: 1500 }] });
    server.addRule({ match: 'late-prompt-tapir', turns: [textTurn('tapir answered')] });
    let running: RunningAgent | undefined;
    const results: string[] = [];

    const outcome = await executor.run(
      request('Do the quick task', {
        onSpawn: (_pid, agent) => (running = agent),
        onEvent: (event) => {
          if (event.type === 'tool_result') running!.injectPrompt('p-late', 'Then late-prompt-tapir');
          if (event.type === 'result') results.push(event.result.resultText);
        },
      }),
    );

    expect(results).toEqual(['quick done', 'tapir answered']);
    expect(outcome.deliveredPromptIds).toEqual(['p-late']);
    expect(outcome.result?.resultText).toBe('tapir answered');
  });

  it('runs tools in the sandbox and streams events while the agent is still running', async () => {
    server.addRule({
      match: 'create the marker file',
      turns: [bashTurn('echo made > marker.txt && env > agent-env.txt'), { text: 'Marker created.', delayMs: 1500 }],
    });
    const events: { event: AgentEvent; at: number }[] = [];
    let spawnedPid: number | undefined;

    const outcome = await executor.run(
      request('Please create the marker file', {
        onEvent: (event) => events.push({ event, at: Date.now() }),
        onSpawn: (pid) => (spawnedPid = pid),
      }),
    );
    const finishedAt = Date.now();

    expect(await fs.readFile(path.join(sandboxPath, 'marker.txt'), 'utf8')).toBe('made\n');
    expect(outcome).toMatchObject({ exitCode: 0, aborted: false, timedOut: false, leftProcesses: false, result: { isError: false, resultText: 'Marker created.' } });
    expect(outcome.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(outcome.result?.sessionId).toBe(outcome.sessionId);
    expect(spawnedPid).toBeGreaterThan(0);
    expect(events.map(({ event }) => event.type).filter((type) => type !== 'other')).toEqual([
      'session_started',
      // The CLI echoes the prompt it took from stdin (--replay-user-messages).
      'user_message_taken',
      // Each model call, with its token usage, before what it answered.
      'model_called',
      'tool_used',
      'tool_result',
      'model_called',
      'assistant_text',
      'result',
    ]);
    // The CLI's own figures once it reported them: two calls of 100 input and 20 output tokens each.
    expect(outcome.usage).toMatchObject({ input_tokens: 200, output_tokens: 40, turns: 2 });
    expect(outcome.usage.cost_usd).toBeCloseTo(outcome.result!.costUsd!, 6);
    const toolUsed = events.find(({ event }) => event.type === 'tool_used')!;
    expect(toolUsed.event).toMatchObject({ toolName: 'Bash' });
    expect(finishedAt - toolUsed.at).toBeGreaterThanOrEqual(1000);

    const agentEnv = await fs.readFile(path.join(sandboxPath, 'agent-env.txt'), 'utf8');
    expect(agentEnv).toContain(`ANTHROPIC_BASE_URL=${server.url}`);
    expect(agentEnv).not.toContain('ghp_must_not_reach_the_agent');
    expect(server.sawText('Please create the marker file')).toBe(true);
  });

  it('ends with an error result when the model API refuses the request', async () => {
    server.addRule({ match: 'fail this', turns: [{ httpError: { status: 400, message: 'scripted invalid request' } }] });

    const outcome = await executor.run(request('Please fail this'));

    expect(outcome.exitCode).toBe(1);
    expect(outcome.result?.isError).toBe(true);
    expect(outcome.result?.resultText).toContain('scripted invalid request');
    expect(outcome.aborted).toBe(false);
  });

  it('kills the whole process group on abort, tools included', async () => {
    server.addRule({
      match: 'long task',
      // The CLI runs each Bash command in a new session and the subshell orphans the sleeper: it must die all the same.
      turns: [bashTurn('(sleep 600 & echo $! > sleeper.pid) ; echo started'), { text: 'never sent', holdUntil: held }],
    });
    const controller = new AbortController();
    let pid = 0;
    const running = executor.run(request('Start the long task', { signal: controller.signal, onSpawn: (spawned) => (pid = spawned) }));
    await waitFor(() => server.activeRequests === 1 && server.requests.length >= 2);
    const sleeperPid = Number(await fs.readFile(path.join(sandboxPath, 'sleeper.pid'), 'utf8'));

    controller.abort();
    const outcome = await running;

    expect(outcome).toMatchObject({ aborted: true, timedOut: false, result: null });
    expect(() => process.kill(pid, 0)).toThrow();
    expect(await liveProcessesMatching((stat) => stat.pid === sleeperPid || stat.processGroup === pid)).toEqual([]);
  });

  it('stops what a finished agent left running, and says so', async () => {
    server.addRule({ match: 'leave a sleeper', turns: [bashTurn('(sleep 600 & echo $! > sleeper.pid) ; echo started'), textTurn('left it')] });

    const outcome = await executor.run(request('Please leave a sleeper'));

    expect(outcome).toMatchObject({ exitCode: 0, aborted: false, leftProcesses: true, result: { resultText: 'left it' } });
    const sleeperPid = Number(await fs.readFile(path.join(sandboxPath, 'sleeper.pid'), 'utf8'));
    expect(await liveProcessesMatching((stat) => stat.pid === sleeperPid)).toEqual([]);
  });

  it('settles at the turn end when asked, then tells how the CLI exited', async () => {
    server.addRule({ match: 'quick edit', turns: [bashTurn('echo done > quick.txt'), textTurn('edited')] });
    let pid = 0;
    const events: string[] = [];

    const outcome = await executor.run(request('Make a quick edit', { settleAtTurnEnd: true, onSpawn: (spawned) => (pid = spawned), onEvent: (event) => events.push(event.type) }));

    expect(outcome).toMatchObject({ exitCode: null, aborted: false, leftProcesses: false, result: { isError: false, resultText: 'edited' } });
    expect(events.at(-1)).toBe('result');
    await expect(fs.readFile(path.join(sandboxPath, 'quick.txt'), 'utf8')).resolves.toBe('done\n');
    await expect(outcome.exit).resolves.toEqual({ exitCode: 0, leftProcesses: false, stderrTail: expect.any(String) });
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('waits for the exit, even when asked to settle at the turn end, while a process the agent started still runs', async () => {
    server.addRule({ match: 'leave a sleeper', turns: [bashTurn('(sleep 600 & echo $! > sleeper.pid) ; echo started'), textTurn('left it')] });

    const outcome = await executor.run(request('Please leave a sleeper', { settleAtTurnEnd: true }));

    expect(outcome).toMatchObject({ exitCode: 0, leftProcesses: true, result: { resultText: 'left it' } });
    expect(outcome.exit).toBeUndefined();
    const sleeperPid = Number(await fs.readFile(path.join(sandboxPath, 'sleeper.pid'), 'utf8'));
    expect(await liveProcessesMatching((stat) => stat.pid === sleeperPid)).toEqual([]);
  });

  it('stops an agent whose tool sleeps without output or CPU for the idle timeout', async () => {
    server.addRule({ match: 'idle task', turns: [bashTurn('sleep 120 && echo late > late.txt'), textTurn('stopped')] });

    const startedAt = Date.now();
    const outcome = await executor.run(request('Start the idle task', { idleTimeoutMs: 3000 }));

    expect(outcome).toMatchObject({ idle: true, timedOut: false, aborted: false });
    expect(Date.now() - startedAt).toBeLessThan(60_000);
    await expect(fs.access(path.join(sandboxPath, 'late.txt'))).rejects.toThrow();
  });

  it('lets a busy but quiet agent run past the idle timeout while its CPU time grows', async () => {
    // About 6 s of pure CPU, no output: twice the idle timeout.
    server.addRule({ match: 'busy task', turns: [bashTurn('end=$((SECONDS+6)); while [ $SECONDS -lt $end ]; do :; done; echo busy done'), textTurn('busy finished')] });
    let cpuProgress = 0;

    const outcome = await executor.run(request('Start the busy task', { idleTimeoutMs: 3000, onProgress: () => (cpuProgress += 1) }));

    expect(outcome).toMatchObject({ idle: false, timedOut: false, result: { isError: false, resultText: 'busy finished' } });
    expect(cpuProgress).toBeGreaterThan(0);
  });

  it('stops a run that outlives its timeout', async () => {
    server.addRule({ match: 'slow task', turns: [{ text: 'never sent', holdUntil: held }] });

    // Long enough for the CLI to start and name its session on a loaded machine (CI with other suites: over 3 s).
    const outcome = await executor.run(request('Start the slow task', { timeoutMs: 8000 }));

    expect(outcome).toMatchObject({ timedOut: true, aborted: false, result: null });
    expect(outcome.sessionId).not.toBeNull();
  });

  it('resumes a session with its earlier conversation', async () => {
    server.addRule({ match: 'first question', turns: [textTurn('First answer: the secret word is pineapple.')] });
    server.addRule({ match: 'second question', turns: [textTurn('Second answer.')] });

    const first = await executor.run(request('Answer the first question'));
    const requestsBefore = server.requests.length;
    const second = await executor.run(request('Answer the second question', { resumeSessionId: first.sessionId! }));

    expect(first.result?.isError).toBe(false);
    expect(second.result).toMatchObject({ isError: false, resultText: 'Second answer.' });
    const resumedRequests = server.requests.slice(requestsBefore);
    expect(JSON.stringify(resumedRequests)).toContain('the secret word is pineapple');
    expect(JSON.stringify(resumedRequests)).toContain('Answer the first question');
  });

  it('rejects with the CLI path when the binary cannot be started', async () => {
    const missing = new ClaudeCodeExecutor('/nonexistent/bin/claude');
    await expect(missing.run(request('anything'))).rejects.toThrow('/nonexistent/bin/claude');
  });

  it('reports the CLI version', async () => {
    expect(await executor.version()).toMatch(/^\d+\.\d+\.\d+ \(Claude Code\)$/);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Processes that are running (a killed orphan stays a zombie until init reaps it, which is no concern of ours). */
async function liveProcessesMatching(predicate: (stat: { pid: number; processGroup: number }) => boolean): Promise<number[]> {
  const live: number[] = [];
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const [state, , processGroup] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (stat && state !== 'Z' && predicate({ pid: Number(entry), processGroup: Number(processGroup) })) live.push(Number(entry));
  }
  return live;
}
