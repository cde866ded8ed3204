import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { type ApiClient, type ApprovalDecision, createApiClient, type CreateWorkOrderRequest, type WorkOrderStep } from '../client/index.js';
import { CliError } from './cli-errors.js';
import { followWorkOrder } from './follow.js';
import { logLine, repositoryTable, settingsTable, workOrderDetails, workOrderTable } from './format.js';

export interface CliContext {
  serviceUrl: string;
  apiToken: string | undefined;
  stdout: NodeJS.WriteStream;
}

const steps = ['create-branch', 'planning', 'execute', 'commit', 'create-pr', 'prp-review'];
const statuses = ['pending', 'running', 'waiting_for_approval', 'completed', 'failed', 'cancelled'];

interface CreateOptions {
  repo: string;
  request: string;
  issue?: string;
  steps?: string;
  sandbox?: string;
  maxCost?: string;
  maxTurns?: string;
  maxDuration?: string;
  approval?: boolean;
  approvalTimeout?: string;
  onTimeout?: string;
  follow?: boolean;
  json?: boolean;
}

/** `awo`: every command talks to the service's HTTP API through the typed client, and takes `--json` for scripts. */
export function buildProgram(context: CliContext): Command {
  const api: ApiClient = createApiClient({ baseUrl: context.serviceUrl, token: context.apiToken });
  const print = (text: string): void => {
    context.stdout.write(`${text}\n`);
  };
  const printJson = (value: unknown): void => print(JSON.stringify(value, null, 2));
  const json = () => new Option('--json', 'print the API answer as JSON');

  const program = new Command('awo')
    .description(`Agent Work Orders from the terminal (service: AWO_URL=${context.serviceUrl})`)
    .showHelpAfterError()
    .exitOverride();

  program
    .command('create')
    .description('start a work order')
    .requiredOption('--repo <url>', 'repository URL')
    .requiredOption('--request <text>', 'what the agent should do')
    .option('--issue <number>', 'GitHub issue number')
    .option('--steps <list>', `comma-separated steps (${steps.join(',')})`)
    .addOption(new Option('--sandbox <type>', 'sandbox type').choices(['git_worktree', 'git_branch', 'e2b', 'dagger']))
    .option('--max-cost <usd>', 'budget: US dollars its agents may spend in total')
    .option('--max-turns <n>', 'budget: model calls its agents may make in total')
    .option('--max-duration <seconds>', 'budget: seconds its agents may run in total')
    .option('--approval', 'wait for approval of the plan after the planning step (awo approve|edit-plan|reject)')
    .option('--approval-timeout <seconds>', 'with --approval: how long the plan waits (default AWO_APPROVAL_TIMEOUT)')
    .addOption(new Option('--on-timeout <action>', 'with --approval: what a timeout does').choices(['fail', 'approve']))
    .option('--follow', 'follow it to the pull request')
    .addOption(json())
    .action(async (options: CreateOptions) => {
      const body: Record<string, unknown> = { repository_url: options.repo, user_request: options.request };
      if (options.approval) body.approval = 'plan';
      if (options.approvalTimeout !== undefined) body.approval_timeout_seconds = Number(options.approvalTimeout);
      if (options.onTimeout !== undefined) body.on_timeout = options.onTimeout;
      if (options.issue !== undefined) body.github_issue_number = options.issue;
      if (options.steps !== undefined) body.selected_commands = options.steps.split(',').map((step) => step.trim()).filter(Boolean) as WorkOrderStep[];
      if (options.sandbox !== undefined) body.sandbox_type = options.sandbox;
      // Not a number: sent as given, so the service's 422 names the field and its rule.
      const budget = { max_cost_usd: options.maxCost, max_turns: options.maxTurns, max_duration_seconds: options.maxDuration };
      for (const [field, value] of Object.entries(budget)) if (value !== undefined) body[field] = Number.isFinite(Number(value)) ? Number(value) : value;
      const created = await api.createWorkOrder(body as CreateWorkOrderRequest);
      if (!options.follow) return options.json ? printJson(created) : print(`${created.agent_work_order_id} ${created.status}: ${created.message}`);
      if (!options.json) print(`${created.agent_work_order_id} started; following (Ctrl-C stops following, not the work order)`);
      const { workOrder, steps: history } = await followWorkOrder(api, created.agent_work_order_id, { out: options.json ? null : context.stdout });
      if (options.json) return printJson({ ...workOrder, steps: history });
      print(workOrder.github_pull_request_url ? `Pull request: ${workOrder.github_pull_request_url}` : `work order ${workOrder.agent_work_order_id} completed`);
    });

  program
    .command('list')
    .description('list work orders, newest first')
    .addOption(new Option('--status <status>', 'only this status').choices(statuses))
    .option('--limit <n>', 'at most this many')
    .addOption(json())
    .action(async (options: { status?: string; limit?: string; json?: boolean }) => {
      const query: Record<string, unknown> = {};
      if (options.status) query.status = options.status;
      if (options.limit) query.limit = options.limit;
      const workOrders = await api.listWorkOrders(query as never);
      if (options.json) printJson(workOrders);
      else print(workOrderTable(workOrders));
    });

  program
    .command('show')
    .description("a work order's state and step history")
    .argument('<id>', 'work order id (wo-...)')
    .addOption(json())
    .action(async (id: string, options: { json?: boolean }) => {
      const [workOrder, history] = await Promise.all([api.getWorkOrder(id), api.stepHistory(id)]);
      if (options.json) printJson({ ...workOrder, steps: history.steps });
      else print(workOrderDetails(workOrder, history.steps));
    });

  program
    .command('logs')
    .description("a work order's log")
    .argument('<id>', 'work order id (wo-...)')
    .option('--follow', 'keep printing new entries until the work order ends')
    .option('--step <step>', 'only this step')
    .addOption(new Option('--level <level>', 'this level and above').choices(['debug', 'info', 'warn', 'error']))
    .option('--limit <n>', 'entries per page without --follow', '500')
    .addOption(json())
    .action(async (id: string, options: { follow?: boolean; step?: string; level?: string; limit: string; json?: boolean }) => {
      const filters: Record<string, string> = {};
      if (options.step) filters.step = options.step;
      if (options.level) filters.level = options.level;
      if (options.follow) {
        // With --json, one entry per line (JSON lines) so a script can read them as they come.
        await api.streamLogs(id, { onEntry: (entry) => print(options.json ? JSON.stringify(entry) : logLine(entry)) }, filters as never);
        return;
      }
      const page = await api.logs(id, { ...filters, limit: options.limit } as never);
      if (options.json) printJson(page);
      else print(page.log_entries.length === 0 ? 'no log entries' : page.log_entries.map(logLine).join('\n'));
    });

  program
    .command('prompt')
    .description('send a prompt to a running work order')
    .argument('<id>', 'work order id (wo-...)')
    .argument('<text...>', 'the prompt')
    .addOption(json())
    .action(async (id: string, text: string[], options: { json?: boolean }) => {
      const acknowledgement = await api.sendPrompt(id, text.join(' '));
      if (options.json) printJson(acknowledgement);
      else print(acknowledgement.message);
    });

  program
    .command('cancel')
    .description('cancel a work order')
    .argument('<id>', 'work order id (wo-...)')
    .addOption(json())
    .action(async (id: string, options: { json?: boolean }) => {
      const acknowledgement = await api.cancelWorkOrder(id);
      if (options.json) printJson(acknowledgement);
      else print(acknowledgement.message);
    });

  const decide = (decision: ApprovalDecision) => async (id: string, options: { comment?: string; json?: boolean }) => {
    const workOrder = await api.decideApproval(id, { ...decision, ...(options.comment !== undefined ? { comment: options.comment } : {}) });
    if (options.json) printJson(workOrder);
    else print(`${workOrder.agent_work_order_id} ${workOrder.status}${workOrder.error_message ? `: ${workOrder.error_message}` : ''}`);
  };
  const comment = () => new Option('--comment <text>', 'a comment kept with the decision (the reason, for reject)');
  program
    .command('approve')
    .description('approve the plan a work order waits with; it goes on to implement it')
    .argument('<id>', 'work order id (wo-...)')
    .addOption(comment())
    .addOption(json())
    .action(decide({ decision: 'approve' }));
  program
    .command('reject')
    .description('reject the plan; the work order ends cancelled, nothing is pushed')
    .argument('<id>', 'work order id (wo-...)')
    .addOption(comment())
    .addOption(json())
    .action(decide({ decision: 'reject' }));
  program
    .command('edit-plan')
    .description('approve an edited plan: the later steps receive it instead of the planned one')
    .argument('<id>', 'work order id (wo-...)')
    .requiredOption('--file <path>', 'the edited plan (e.g. from `awo show <id> --json | jq -r .plan_text > plan.md`)')
    .addOption(comment())
    .addOption(json())
    .action(async (id: string, options: { file: string; comment?: string; json?: boolean }) => {
      const plan = await readFile(options.file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new CliError(`cannot read ${options.file}: ${error.code ?? error.message}`);
      });
      await decide({ decision: 'edit', plan })(id, options);
    });

  const repos = program.command('repos').description('configured repositories');
  repos
    .command('list', { isDefault: true })
    .description('list configured repositories')
    .addOption(json())
    .action(async (options: { json?: boolean }) => {
      const repositories = await api.listRepositories();
      if (options.json) printJson(repositories);
      else print(repositoryTable(repositories));
    });
  repos
    .command('add')
    .description('configure a repository (verified against GitHub)')
    .argument('<url>', 'repository URL')
    .option('--name <name>', 'display name')
    .option('--steps <list>', 'default steps, comma-separated')
    .addOption(new Option('--sandbox <type>', 'default sandbox type').choices(['git_worktree', 'git_branch']))
    .addOption(json())
    .action(async (url: string, options: { name?: string; steps?: string; sandbox?: string; json?: boolean }) => {
      const body: Record<string, unknown> = { repository_url: url };
      if (options.name) body.display_name = options.name;
      if (options.steps) body.default_commands = options.steps.split(',').map((step) => step.trim());
      if (options.sandbox) body.default_sandbox_type = options.sandbox;
      const repository = await api.addRepository(body as never);
      if (options.json) printJson(repository);
      else print(repositoryTable([repository]));
    });
  repos
    .command('verify')
    .description('check a configured repository against GitHub again')
    .argument('<id>', 'repository id')
    .addOption(json())
    .action(async (id: string, options: { json?: boolean }) => {
      const repository = await api.reverifyRepository(id);
      if (options.json) printJson(repository);
      else print(repositoryTable([repository as never]));
    });
  repos
    .command('remove')
    .description('forget a configured repository')
    .argument('<id>', 'repository id')
    .addOption(json())
    .action(async (id: string, options: { json?: boolean }) => {
      await api.deleteRepository(id);
      if (options.json) printJson({ id, removed: true });
      else print(`removed ${id}`);
    });

  const settings = program.command('settings').description('service settings');
  settings
    .command('show', { isDefault: true })
    .description('each setting with its value and source')
    .addOption(json())
    .action(async (options: { json?: boolean }) => {
      const view = await api.getSettings();
      if (options.json) printJson(view);
      else print(settingsTable(view));
    });
  settings
    .command('set')
    .description('save settings: awo settings set max_concurrent=3 claude_cli_model=opus (an empty value clears one)')
    .argument('<assignments...>', 'name=value pairs')
    .addOption(json())
    .action(async (assignments: string[], options: { json?: boolean }) => {
      const body: Record<string, string | number | null> = {};
      for (const assignment of assignments) {
        const separator = assignment.indexOf('=');
        if (separator <= 0) throw new CliError(`error: "${assignment}" is not name=value`);
        const value = assignment.slice(separator + 1);
        body[assignment.slice(0, separator)] = value === '' ? null : /^\d+$/.test(value) ? Number(value) : value;
      }
      const view = await api.updateSettings(body as never);
      if (options.json) printJson(view);
      else print(settingsTable(view));
    });

  return program;
}
