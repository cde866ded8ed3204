import fs from 'node:fs';
import { execa } from 'execa';
import { type AgentIdentity, spawnIdentity } from './agent-identity.js';
import type { AgentExecutor, AgentResult, AgentRunOutcome, AgentRunRequest } from './agent-types.js';
import { IdleWatchdog } from './idle-watchdog.js';
import { LineSplitter, parseStreamJsonLine } from './stream-json-parser.js';
import { UsageMeter } from './usage-meter.js';
import { noUsage } from '../models/work-order-budget.js';
import { startProcess } from '../process/process-runner.js';
import type { StartedProcess } from '../process/relayed-process.js';

const stderrTailBytes = 4096;
const killGraceMs = 3000;
/** A cancelled or timed-out agent has nothing left to finish: SIGKILL follows SIGTERM quickly. */
const stopKillGraceMs = 500;
// setTimeout fires at once for anything longer.
const maxTimerMs = 2 ** 31 - 1;
/** After a turn ends with a written prompt not yet echoed, how long the next turn may take to begin. */
const untakenPromptGraceMs = 10_000;

/**
 * Runs the Claude Code CLI headless in its own process group. The prompt goes in as a stream-json user message and
 * stdin stays open, so prompts written while the agent works reach it (after its current tool call, or as a further
 * turn); the run ends when a turn has ended and every prompt written into it was taken by the CLI.
 */
export class ClaudeCodeExecutor implements AgentExecutor {
  constructor(
    private readonly cliPath: string,
    /** Isolated: the CLI and every tool it starts run as the agent user, which cannot read the worker's secrets. */
    private readonly identity: AgentIdentity = { isolated: false, reason: 'not configured' },
  ) {}

  async version(): Promise<string> {
    try {
      const { stdout } = await execa(this.cliPath, ['--version'], { timeout: 30_000, ...spawnIdentity(this.identity) });
      return stdout.trim();
    } catch (error) {
      throw new Error(`Agent CLI "${this.cliPath}" --version failed: ${(error as { shortMessage?: string }).shortMessage ?? String(error)}`);
    }
  }

  async run(request: AgentRunRequest): Promise<AgentRunOutcome> {
    if (request.signal?.aborted) {
      return { exitCode: null, sessionId: null, result: null, stderrTail: '', timedOut: false, idle: false, aborted: true, deliveredPromptIds: [], usage: noUsage };
    }
    // From the spawner (a small process) rather than this one: forking the worker blocked its event loop for 3-10 ms
    // between two agent steps. Node's own spawn there, not execa's, whose promise settles ms after the exit.
    let subprocess: StartedProcess;
    try {
      subprocess = await startProcess(this.cliPath, claudeArguments(request), {
        cwd: request.cwd,
        env: request.env,
        // Its own session and process group, so the tools it started (shells, servers, test runners) die with it.
        detached: true,
        ...spawnIdentity(this.identity),
      });
    } catch (error) {
      throw new Error(`Could not start the agent CLI "${this.cliPath}" in ${request.cwd}: ${(error as Error).message}`);
    }
    // Nothing is awaited from here to the end of the run's set-up: the process's exit and close must find their listeners.
    const closed = new Promise<{ exitCode: number | null }>((resolve) => {
      subprocess.once('error', () => undefined);
      subprocess.once('close', (exitCode) => resolve({ exitCode }));
    });
    const pid = subprocess.pid;

    // Whatever the agent started, started after it: only such processes can carry its session id.
    const startTime = processStartTime(pid);
    const seen: { sessionId: string | null; result: AgentResult | null; callbackError?: unknown } = { sessionId: null, result: null };
    const input = new AgentInput(subprocess.stdin);
    const meter = new UsageMeter();
    let stderrTail = '';
    let leftProcesses = false;
    let stopReason: 'aborted' | 'timedOut' | 'idle' | undefined;
    const kills: Promise<unknown>[] = [];
    let exited = false;
    const turnEnd = new TurnEnd();
    // Tool uses and results so far, and what the last check for tool processes found after how many of them.
    let toolEvents = 0;
    let lastToolsCheck: { toolEvents: number; running: boolean } | null = null;

    const stop = (reason: 'aborted' | 'timedOut' | 'idle') => {
      if (stopReason) return;
      stopReason = reason;
      kills.push(killProcessGroup(pid, stopKillGraceMs, seen.sessionId, startTime));
    };
    // A caller's bug must surface from run(), not as an uncaught exception inside a stream handler.
    const callSafely = (callback: () => void) => {
      // The caller has its outcome: what the CLI prints while it shuts down is no longer the caller's business.
      if (turnEnd.settled) return;
      try {
        callback();
      } catch (error) {
        seen.callbackError ??= error;
        stop('aborted');
      }
    };
    const watchdog = request.idleTimeoutMs
      ? new IdleWatchdog({
          idleTimeoutMs: request.idleTimeoutMs,
          // The CLI's own CPU does not count: it keeps ticking while it waits; its progress shows as output.
          processes: async () => agentProcesses(pid, seen.sessionId, startTime)?.filter((member) => member !== pid) ?? null,
          onIdle: () => stop('idle'),
          onCpuProgress: () => callSafely(() => request.onProgress?.()),
        })
      : null;
    const handleLine = (line: string) => {
      watchdog?.noteOutput();
      for (const event of parseStreamJsonLine(line)) {
        if (event.type === 'session_started') seen.sessionId = event.sessionId;
        if (event.type === 'tool_used' || event.type === 'tool_result') toolEvents += 1;
        if (event.type === 'user_message_taken') {
          const promptId = input.taken(event.text);
          if (promptId) callSafely(() => request.onPromptDelivered?.(promptId));
        }
        callSafely(() => request.onEvent?.(event, line));
        if (event.type === 'model_called' || event.type === 'result') {
          meter.observe(event);
          callSafely(() => request.onUsage?.(meter.usage()));
        }
        if (event.type === 'result') {
          seen.result = event.result;
          // A prompt written but not yet taken will start a further turn; an error ends the run regardless.
          if (event.result.isError || input.allTaken()) input.close();
          else input.closeUnlessTakenWithin(untakenPromptGraceMs);
          if (request.settleAtTurnEnd && !event.result.isError && input.isClosed()) settleIfAlone();
        }
      }
    };

    // The turn ended cleanly, no prompt is left to take and no tool the agent ran still runs: the CLI only shuts down
    // from here (about 50 ms), changing nothing in the sandbox, so the caller gets its outcome now.
    const settleIfAlone = () => {
      // Only a tool starts processes: none ran at a check since the last tool event, so none runs now (a scan less).
      const checkedSinceLastTool = lastToolsCheck?.toolEvents === toolEvents && !lastToolsCheck.running;
      if (!(checkedSinceLastTool || toolsRunning() === false) || stopReason || exited || 'callbackError' in seen) return;
      watchdog?.stop();
      request.signal?.removeEventListener('abort', onAbort);
      turnEnd.settle({
        ...outcomeSoFar(null),
        leftProcesses: false,
        exit: ended.then(
          (outcome) => ({ exitCode: outcome.exitCode, leftProcesses: outcome.leftProcesses === true, stderrTail: outcome.stderrTail }),
          (error: unknown) => ({ exitCode: null, leftProcesses: false, stderrTail: String(error) }),
        ),
      });
    };

    const outcomeSoFar = (exitCode: number | null): AgentRunOutcome => ({
      exitCode,
      sessionId: seen.sessionId ?? seen.result?.sessionId ?? null,
      result: seen.result,
      stderrTail,
      timedOut: stopReason === 'timedOut',
      idle: stopReason === 'idle',
      aborted: stopReason === 'aborted',
      deliveredPromptIds: input.deliveredPromptIds(),
      usage: meter.usage(),
    });

    const onAbort = () => stop('aborted');
    request.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => stop('timedOut'), Math.min(request.timeoutMs, maxTimerMs));
    const splitter = new LineSplitter();
    subprocess.stdout.on('data', (chunk: Buffer) => splitter.push(chunk).forEach(handleLine));
    subprocess.stderr.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-stderrTailBytes);
    });
    // Once the CLI is gone, whatever its tools left running is orphaned (and may hold our pipes open).
    watchdog?.start();
    subprocess.on('exit', () => {
      exited = true;
      kills.push(killProcessGroup(pid, killGraceMs, seen.sessionId, startTime).then((found) => void (leftProcesses = found)));
    });
    input.write(request.prompt, null);
    const toolsRunning = () => {
      const tools = seen.sessionId ? toolProcesses(seen.sessionId, startTime) : null;
      const running = tools && tools.length > 0;
      if (running !== null) lastToolsCheck = { toolEvents, running };
      return running;
    };
    callSafely(() => request.onSpawn?.(pid, { injectPrompt: (promptId, text) => input.write(text, promptId), toolsRunning }));

    const ended = (async (): Promise<AgentRunOutcome> => {
      const finished = await closed;
      input.close();
      clearTimeout(timer);
      watchdog?.stop();
      request.signal?.removeEventListener('abort', onAbort);
      splitter.flush().forEach(handleLine);
      await Promise.all(kills);
      if ('callbackError' in seen) throw seen.callbackError;
      return { ...outcomeSoFar(finished.exitCode), leftProcesses };
    })();
    return Promise.race([ended, turnEnd.outcome]);
  }
}

/** The outcome of a run given at its turn's end, before the CLI has exited (see AgentRunRequest.settleAtTurnEnd). */
class TurnEnd {
  settled = false;
  private resolve: (outcome: AgentRunOutcome) => void = () => undefined;
  readonly outcome = new Promise<AgentRunOutcome>((resolve) => (this.resolve = resolve));

  settle(outcome: AgentRunOutcome): void {
    this.settled = true;
    this.resolve(outcome);
  }
}

/**
 * The CLI's stdin in stream-json form. Each written prompt is waiting until the CLI echoes it back
 * (--replay-user-messages): only then is it certain to reach the model before the run ends.
 */
class AgentInput {
  private closed = false;
  private graceTimer: NodeJS.Timeout | null = null;
  private readonly waiting = new Map<string, string>();
  private readonly delivered: string[] = [];

  constructor(private readonly stdin: NodeJS.WritableStream) {
    // The CLI may exit while a write is in flight; the exit code and result say what happened, not EPIPE.
    stdin.on('error', () => undefined);
  }

  /** promptId null: the run's own first prompt, which is not tracked. */
  write(text: string, promptId: string | null): boolean {
    if (this.closed) return false;
    if (promptId !== null) this.waiting.set(promptId, text);
    this.stdin.write(`${JSON.stringify({ type: 'user', message: { role: 'user', content: [{ type: 'text', text }] } })}\n`);
    return true;
  }

  /** The id of the written prompt the CLI just took, if the echoed text is one of them. */
  taken(text: string): string | null {
    for (const [promptId, waitingText] of this.waiting) {
      if (waitingText === text) {
        this.clearGrace();
        this.waiting.delete(promptId);
        this.delivered.push(promptId);
        return promptId;
      }
    }
    return null;
  }

  allTaken(): boolean {
    return this.waiting.size === 0;
  }

  isClosed(): boolean {
    return this.closed;
  }

  /**
   * Never wait forever on an echo that does not come: the prompt then counts as not delivered, and the workflow gives
   * it to the agent as a turn of its own.
   */
  closeUnlessTakenWithin(graceMs: number): void {
    this.clearGrace();
    this.graceTimer = setTimeout(() => this.close(), graceMs);
  }

  close(): void {
    this.clearGrace();
    if (this.closed) return;
    this.closed = true;
    for (const promptId of this.waiting.keys()) this.waiting.delete(promptId);
    this.stdin.end();
  }

  private clearGrace(): void {
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = null;
  }

  deliveredPromptIds(): string[] {
    return [...this.delivered];
  }
}

function claudeArguments(request: AgentRunRequest): string[] {
  return [
    '--print',
    '--input-format',
    'stream-json',
    '--output-format',
    'stream-json',
    '--replay-user-messages',
    '--verbose',
    '--model',
    request.model,
    ...(request.resumeSessionId ? ['--resume', request.resumeSessionId] : []),
    ...(request.maxTurns !== undefined ? ['--max-turns', String(request.maxTurns)] : []),
    ...(request.skipPermissions ? ['--dangerously-skip-permissions'] : []),
  ];
}

/**
 * SIGTERM to everything the agent started, SIGKILL to whatever is still there after the grace period; true when
 * anything was there to stop. Also used by the worker for an agent left behind by a worker that died; an agent that
 * is already gone is not an error.
 *
 * The CLI is spawned detached, so its pid is a process group. That is not enough on its own: Claude Code runs each
 * Bash command in a new session, and a command may double-fork (`cmd &`) so it is no longer a descendant either. What
 * every tool process keeps is the CLAUDE_CODE_SESSION_ID the CLI puts in its environment, so where /proc exists the
 * group, the descendants and the processes carrying the agent's session id are signalled one by one.
 */
export async function killProcessGroup(pid: number, graceMs: number, agentSessionId?: string | null, agentStartTime?: number | null): Promise<boolean> {
  const signalAgent = (signal: NodeJS.Signals | 0) => signalAgentProcesses(pid, agentSessionId, agentStartTime, signal);
  if (!(await signalAgent('SIGTERM'))) return false;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (!(await signalAgent(0))) return true;
  }
  await signalAgent('SIGKILL');
  return true;
}

/** False when nothing of the agent is left. */
async function signalAgentProcesses(pid: number, agentSessionId: string | null | undefined, agentStartTime: number | null | undefined, signal: NodeJS.Signals | 0): Promise<boolean> {
  const groupReached = signalIfPresent(-pid, signal);
  const processes = agentProcesses(pid, agentSessionId, agentStartTime);
  if (processes === null) return groupReached;
  return processes.map((member) => signalIfPresent(member, signal)).some(Boolean);
}

function signalIfPresent(target: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(target, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

interface ProcessEntry {
  pid: number;
  ppid: number;
  processGroup: number;
  /** Since boot, in clock ticks (/proc/<pid>/stat's starttime). */
  startTime: number;
}

/**
 * Live pids that belong to the agent; null where there is no /proc to read. Read synchronously: /proc is in memory, and
 * a few hundred small reads through the thread pool took 50-100 ms on a loaded host, on the path from an agent's exit
 * to its step's result (the sync scan takes a few ms).
 */
function agentProcesses(pid: number, agentSessionId: string | null | undefined, agentStartTime?: number | null): number[] | null {
  const processes = liveProcesses();
  if (processes === null) return null;
  // Start from the group, not the pid: a stale pid may since belong to an unrelated process, which is no group leader.
  const members = new Set(processes.filter((entry) => entry.processGroup === pid).map((entry) => entry.pid));
  // /proc lists a child before or after its parent, so repeat until the set stops growing.
  for (let added = true; added; ) {
    added = false;
    for (const entry of processes) {
      if (members.has(entry.ppid) && !members.has(entry.pid)) {
        members.add(entry.pid);
        added = true;
      }
    }
  }
  if (agentSessionId) for (const tool of sessionMarked(processes, agentSessionId, agentStartTime)) members.add(tool);
  members.delete(process.pid);
  return [...members];
}

/**
 * The processes the agent ran as tools (and what they started), wherever they went: each carries the session id the
 * CLI puts in its tools' environment. The CLI itself, and a wrapper it runs under, do not. Null where there is no /proc.
 */
function toolProcesses(agentSessionId: string, agentStartTime: number | null): number[] | null {
  const processes = liveProcesses();
  return processes && sessionMarked(processes, agentSessionId, agentStartTime).filter((tool) => tool !== process.pid);
}

function sessionMarked(processes: ProcessEntry[], agentSessionId: string, agentStartTime: number | null | undefined): number[] {
  const marker = `CLAUDE_CODE_SESSION_ID=${agentSessionId}`;
  // Reading another process's environment is the scan's dearest part: only for processes as young as the agent.
  return processes
    .filter((entry) => (agentStartTime == null || entry.startTime >= agentStartTime) && readProc(entry.pid, 'environ')?.split('\0').includes(marker))
    .map((entry) => entry.pid);
}

/** Every process that is not a zombie (a zombie is already dead; counting it would make a kill wait out its grace). */
function liveProcesses(): ProcessEntry[] | null {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return null;
  }
  const processes: ProcessEntry[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProc(Number(entry), 'stat');
    if (!stat) continue;
    const fields = parseStat(stat);
    if (fields.state !== 'Z') processes.push({ pid: Number(entry), ppid: fields.ppid, processGroup: fields.processGroup, startTime: fields.startTime });
  }
  return processes;
}

function parseStat(stat: string): { state: string; ppid: number; processGroup: number; startTime: number } {
  // "pid (comm) state ppid pgrp ... starttime ...": comm may hold spaces and parentheses, so count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', ppid: Number(fields[1]), processGroup: Number(fields[2]), startTime: Number(fields[19]) };
}

/** When a process started (clock ticks since boot); null where there is no /proc or it is gone. */
function processStartTime(pid: number): number | null {
  const stat = readProc(pid, 'stat');
  if (!stat) return null;
  const startTime = parseStat(stat).startTime;
  return Number.isFinite(startTime) ? startTime : null;
}

/** A /proc file of a process that may have exited meanwhile, or that we may not read. */
function readProc(pid: number, file: 'stat' | 'environ'): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}
