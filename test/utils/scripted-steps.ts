import { bashTurn, type Rule, textTurn, type Turn, writeTurn } from '../fixtures/model-server.js';

/**
 * Model scripts for the command files in .claude/commands/agent-work-orders: each rule answers one step the way a
 * real agent would, with real tool calls the CLI executes in the sandbox.
 */
export function createBranchRule(branch: string, extra: Partial<Turn> = {}): Rule {
  return { match: /^# Create Branch/m, turns: [{ ...bashTurn(`git checkout -b ${branch}`), ...extra }, textTurn(branch)] };
}

export function planningRule(planFile = 'PRPs/features/plan.md', extra: Partial<Turn> = {}): Rule {
  return {
    match: /^# Planning/m,
    turns: [{ ...writeTurn(planFile, '# Plan\n\n1. Add the demo file.\n'), ...extra }, textTurn(`Plan written to ${planFile}`)],
  };
}

export function executeRule(file = 'demo.txt', content = 'hello from the agent\n'): Rule {
  return { match: /^# Execute/m, turns: [writeTurn(file, content), textTurn(`Wrote ${file}`)] };
}

export function commitRule(message = 'feat: add the demo plan'): Rule {
  return { match: /^# Commit/m, turns: [bashTurn(`git add -A && git commit -q -m "${message}"`), textTurn(message)] };
}

/** A commit step with something to commit, for work orders that run no planning or execute step. */
export function writeAndCommitRule(file: string, message: string): Rule {
  return { match: /^# Commit/m, turns: [bashTurn(`echo work > ${file} && git add -A && git commit -q -m "${message}"`), textTurn(message)] };
}

export function happyPathRules(branch: string): Rule[] {
  return [createBranchRule(branch), planningRule(), executeRule(), commitRule()];
}

/** A gate a scripted turn can wait on, so a test decides when the agent may go on. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
