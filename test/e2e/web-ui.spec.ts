import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createApiClient } from '../../client/index.js';
import { projectRoot } from '../../src/config.js';
import { bashTurn, textTurn } from '../fixtures/model-server.js';
import { commitRule, createBranchRule, gate, happyPathRules, planningRule } from '../utils/scripted-steps.js';
import { testToken, waitFor, WorkOrderHarness } from '../utils/work-order-harness.js';
import { type ServiceProcess, spawnService } from './service-process.js';

/** Debian's chromium (apt-get install chromium; .ci/run installs it), driven by playwright-core. */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const screenshotDir = path.join(projectRoot, 'docs');
/** Storing a credential needs the API token even on loopback: the settings test signs in through the UI's form. */
const apiToken = 'web-ui-test-api-token-0123456789';

/**
 * The web UI in a real browser against the service started as `npm start` starts it (built entry point, real
 * Temporal, the real Claude Code CLI on the scripted model, the test forge). The service starts without a GitHub
 * token in its environment: the first test stores one through the settings page, and the work orders then use it.
 */
describe('web UI in Chromium', () => {
  const harness = new WorkOrderHarness({ inProcessWorker: false });
  let service: ServiceProcess;
  let browser: Browser;
  let page: Page;
  let api: ReturnType<typeof createApiClient>;

  beforeAll(async () => {
    await harness.start();
    service = await spawnService(harness, 'all', { env: { GITHUB_TOKEN: '', GH_TOKEN: '', AWO_API_TOKEN: apiToken } });
    api = createApiClient({ baseUrl: service.url });
    // Root in CI: Chromium's own sandbox needs user namespaces a container may not have.
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await harness.stop();
  });

  const open = (pathname: string) => page.goto(`${service.url}${pathname}`);

  it('signs in when storing a GitHub token needs it, then shows only the masked token, nowhere the token', async () => {
    await open('/settings');
    await page.getByLabel('New token').fill(testToken);
    await page.getByRole('button', { name: 'Save token' }).click();
    await page.getByLabel('API token').fill(apiToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('New token').fill(testToken);
    await page.getByRole('button', { name: 'Save token' }).click();
    await page.getByText('Saved.').first().waitFor();
    await page.reload();
    const masked = page.locator('.masked-token');
    await masked.waitFor();
    const shown = await masked.textContent();
    expect(shown).not.toBe('none');
    expect(shown).toContain(testToken.slice(-4));
    expect(shown).not.toContain(testToken);
    expect(await page.locator('.source').first().textContent()).toContain('stored');
    const html = await page.content();
    expect(html).not.toContain(testToken);
    expect(html).not.toContain(apiToken);
    expect(await page.getByLabel('New token').inputValue()).toBe('');
    // Evaluated in the page, where the storage and location globals exist (this file is typed for Node).
    const storedInPage = await page.evaluate('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + location.href');
    expect(String(storedInPage)).not.toContain(testToken);
    expect(String(storedInPage)).not.toContain(apiToken);
    await page.screenshot({ path: path.join(screenshotDir, 'web-settings.png'), fullPage: true });
  });

  it('shows a 422 field error next to the field it names', async () => {
    const repository = await harness.createRepository('web-invalid');
    await open('/work-orders/new');
    await page.getByLabel('Repository URL').fill(repository.htmlUrl);
    await page.getByRole('button', { name: 'Start work order' }).click();
    const error = page.locator('#user_request-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/\S/);
    expect(await page.getByLabel('Request', { exact: true }).getAttribute('aria-describedby')).toBe('user_request-error');
    expect(page.url()).toBe(`${service.url}/work-orders/new`);
  });

  let completedId: string;

  it('creates a work order through the form and shows it completed with its pull request link, also after a reload', async () => {
    harness.model.setRules(happyPathRules('feat/web-demo'));
    const repository = await harness.createRepository('web-created');
    await open('/work-orders/new');
    await page.getByLabel('Repository URL').fill(repository.htmlUrl);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('Accessible').waitFor();
    await page.getByLabel('Request', { exact: true }).fill('Add a demo file\n\nwith a greeting');
    await page.getByRole('button', { name: 'Start work order' }).click();
    await page.waitForURL(/\/work-orders\/wo-[0-9a-f]+$/);
    completedId = page.url().split('/').pop()!;
    // The pull request URL is recorded a moment before the work order completes.
    await page.locator('h1 .badge', { hasText: 'completed' }).waitFor({ timeout: 150_000 });
    const prLink = page.locator('a.pr-link');
    await prLink.waitFor();
    expect(await prLink.getAttribute('href')).toMatch(/\/pull\/\d+$/);
    // The last step's record arrives with the final status.
    await page.locator('.phase[data-state="done"]').nth(4).waitFor();
    expect(await page.locator('.phase').evaluateAll((phases) => phases.map((phase) => phase.getAttribute('data-state')))).toEqual(['done', 'done', 'done', 'done', 'done']);
    await page.getByText('stream ended').waitFor();

    await page.reload();
    await page.locator('a.pr-link').waitFor();
    await page.locator('.phase[data-state="done"]').first().waitFor();
    expect(await page.locator('h1').first().textContent()).toContain(completedId);
    // An ended work order's git progress comes from its final record, not from a worker replaying it.
    await page.locator('dd', { hasText: 'feat: add the demo plan' }).waitFor();
    await page.screenshot({ path: path.join(screenshotDir, 'web-work-order.png'), fullPage: true });
  });

  it('sends a prompt to a running work order and shows it in the history', async () => {
    const hold = gate();
    harness.model.setRules([
      createBranchRule('feat/web-prompted', { holdUntil: hold.promise }),
      { match: /zebra-77/, turns: [bashTurn('echo "- zebra-77" > CHANGELOG.md'), textTurn('Added the changelog entry')] },
      commitRule('docs: add changelog entry'),
    ]);
    const repository = await harness.createRepository('web-prompted');
    const created = await api.createWorkOrder({ sandbox_type: 'git_worktree', repository_url: repository.htmlUrl, user_request: 'Prepare a changelog', selected_commands: ['create-branch', 'commit', 'create-pr'] });
    await open(`/work-orders/${created.agent_work_order_id}`);
    await waitFor(() => harness.model.activeRequests > 0, 'the create-branch step to reach the model');
    await page.getByLabel('Prompt the agent').fill('Please also add a CHANGELOG entry zebra-77');
    await page.getByRole('button', { name: 'Send prompt' }).click();
    await page.locator('.ack').waitFor();
    hold.open();
    await page.getByRole('list', { name: 'Phases' }).getByText('zebra-77').waitFor({ timeout: 120_000 });
    // The pull request URL is recorded a moment before the work order completes.
    await page.locator('h1 .badge', { hasText: 'completed' }).waitFor({ timeout: 120_000 });
    await page.locator('a.pr-link').waitFor();
    expect(await page.getByLabel('Prompt the agent').isDisabled()).toBe(true);
  });

  it('shows a plan waiting for approval, and approves it as edited', async () => {
    harness.model.setRules([planningRule(), { match: /^# Execute/m, turns: [bashTurn('echo okapi-88 > EDITED.md'), textTurn('Wrote EDITED.md')] }]);
    const since = harness.model.requests.length;
    const repository = await harness.createRepository('web-approval');
    const created = await api.createWorkOrder({ sandbox_type: 'git_worktree', repository_url: repository.htmlUrl, user_request: 'Plan, then wait', selected_commands: ['planning', 'execute'], approval: 'plan' });
    await open(`/work-orders/${created.agent_work_order_id}`);
    await page.locator('h1 .badge', { hasText: 'waiting for approval' }).waitFor({ timeout: 120_000 });
    const plan = page.getByLabel('plan', { exact: true });
    expect(await plan.textContent()).toBe('# Plan\n\n1. Add the demo file.\n');
    await page.screenshot({ path: path.join(screenshotDir, 'web-plan-approval.png'), fullPage: true });
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Plan (the later steps receive this text)').fill('# Plan\n\n1. Write EDITED.md with okapi-88.\n');
    await page.getByLabel('Comment (optional; the reason when you reject)').fill('be brief');
    await page.getByRole('button', { name: 'Approve edited plan' }).click();
    await page.locator('h1 .badge', { hasText: 'completed' }).waitFor({ timeout: 120_000 });
    expect(await page.locator('.decided-plan summary').textContent()).toBe('Plan (edited: be brief)');
    const execute = harness.model.requests.slice(since).find((request) => JSON.stringify(request.messages ?? []).includes('# Execute'));
    expect(JSON.stringify(execute?.messages)).toContain('Write EDITED.md with okapi-88.');
  });

  it('cancels a running work order after a confirmation', async () => {
    const hold = gate();
    harness.model.setRules([createBranchRule('feat/web-cancel'), planningRule('PRPs/plan.md', { holdUntil: hold.promise })]);
    const repository = await harness.createRepository('web-cancelled');
    const created = await api.createWorkOrder({ sandbox_type: 'git_worktree', repository_url: repository.htmlUrl, user_request: 'Plan something long', workflow_type: 'agent_workflow_plan' });
    await open(`/work-orders/${created.agent_work_order_id}`);
    await waitFor(() => harness.model.activeRequests > 0, 'the planning step to reach the model');
    await page.getByRole('button', { name: 'Cancel work order' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel work order' }).click();
    await page.locator('h1 .badge', { hasText: 'cancelled' }).waitFor({ timeout: 60_000 });
    hold.open();
    expect(await page.getByRole('button', { name: 'Cancel work order' }).count()).toBe(0);
  });

  it('fits a phone: no page scrolls sideways at 390 px', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      for (const [route, ready, screenshot] of [
        ['/', () => phone.getByRole('link', { name: /Add a demo file/ }).waitFor(), 'web-list-phone.png'],
        [`/work-orders/${completedId}`, () => phone.locator('a.pr-link').waitFor(), 'web-work-order-phone.png'],
        ['/work-orders/new', () => phone.getByRole('button', { name: 'Start work order' }).waitFor(), null],
        ['/settings', () => phone.getByRole('heading', { level: 1 }).waitFor(), null],
      ] as const) {
        await phone.goto(`${service.url}${route}`);
        await ready();
        const widths = (await phone.evaluate('({ content: document.documentElement.scrollWidth, viewport: window.innerWidth })')) as { content: number; viewport: number };
        expect({ route, ...widths }).toEqual({ route, content: widths.viewport, viewport: 390 });
        if (screenshot) await phone.screenshot({ path: path.join(screenshotDir, screenshot), fullPage: true });
      }
    } finally {
      await phone.close();
    }
  });

  it('lists the work orders (and prints the bundle size and the time to interactive)', async () => {
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const started = Date.now();
    await fresh.goto(`${service.url}/`);
    await fresh.getByRole('link', { name: /Add a demo file/ }).waitFor();
    const interactiveMs = Date.now() - started;
    const statuses = await fresh.locator('.cards .badge').allTextContents();
    expect(statuses).toEqual(expect.arrayContaining(['completed', 'cancelled']));
    await fresh.getByLabel('Status').selectOption('cancelled');
    expect(await fresh.locator('.cards .badge').allTextContents()).toEqual(['cancelled']);
    await fresh.getByLabel('Status').selectOption('');
    await fresh.screenshot({ path: path.join(screenshotDir, 'web-list.png'), fullPage: true });
    await fresh.close();

    const assets = path.join(projectRoot, 'dist', 'web', 'assets');
    const gzipped = existsSync(assets)
      ? readdirSync(assets)
          .filter((name) => /\.(js|css)$/.test(name))
          .reduce((total, name) => total + gzipSync(readFileSync(path.join(assets, name))).length, 0)
      : 0;
    console.log(`web UI: bundle ${(gzipped / 1024).toFixed(1)} KB gzipped (JS+CSS), first page interactive in ${interactiveMs} ms`);
  });
});
