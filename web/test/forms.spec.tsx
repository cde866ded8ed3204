/** @jest-environment ./web/test/jsdom-fetch-environment.js */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { ApiRequestError } from '../../client/index.js';
import { mapFieldErrors } from '../src/field-errors.js';
import { NewWorkOrderPage } from '../src/pages/new-work-order.js';

/** The service's answers for this page: no configured repository, and a 422 for the work order. */
function answer(url: string, init?: RequestInit): { status: number; body: unknown } {
  if (url.endsWith('/api/agent-work-orders/repositories')) return { status: 200, body: [] };
  if (url.endsWith('/api/agent-work-orders') && init?.method === 'POST')
    return {
      status: 422,
      body: { status_code: 422, detail: 'invalid request', errors: [{ field: 'user_request', message: 'must not be empty', rule: 'too_small' }, { field: 'repository_url', message: 'not a GitHub repository URL' }] },
    };
  return { status: 404, body: { status_code: 404, detail: 'not found' } };
}

describe('new work order form', () => {
  const originalFetch = globalThis.fetch;
  const requests: Array<{ url: string; body: unknown }> = [];
  beforeEach(() => {
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : null;
      const url = request ? request.url : String(input);
      const method = request?.method ?? init?.method ?? 'GET';
      const bodyText = request ? await request.text() : (init?.body as string | undefined);
      requests.push({ url, body: bodyText ? JSON.parse(bodyText) : null });
      const { status, body } = answer(url, { method });
      return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
  });
  afterEach(() => {
    globalThis.fetch = originalFetch;
  });

  it('shows each 422 field error next to the field it names, and sends what was filled in', async () => {
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <NewWorkOrderPage />
      </QueryClientProvider>,
    );
    fireEvent.change(screen.getByLabelText('Repository URL'), { target: { value: 'https://example.com/not-github' } });
    fireEvent.click(screen.getByLabelText('Plan: branch, plan, commit the plan, pull request'));
    fireEvent.change(screen.getByLabelText('Cost (USD)'), { target: { value: '2.5' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Start work order' }));
    });
    const request = screen.getByLabelText('Request');
    await waitFor(() => expect(request.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(request.getAttribute('aria-describedby')!)!.textContent).toBe('must not be empty');
    const repository = screen.getByLabelText('Repository URL');
    expect(document.getElementById(repository.getAttribute('aria-describedby')!)!.textContent).toBe('not a GitHub repository URL');
    expect(screen.getByLabelText(/GitHub issue number/).getAttribute('aria-invalid')).toBe('false');
    const created = requests.find((sent) => sent.url.endsWith('/api/agent-work-orders'));
    // The plan is not held for approval unless asked; only the budget limits filled in are sent.
    expect(created?.body).toEqual({ repository_url: 'https://example.com/not-github', sandbox_type: 'git_worktree', user_request: '', workflow_type: 'agent_workflow_plan', approval: 'none', max_cost_usd: 2.5 });
  });
});

describe('422 mapping', () => {
  it('puts nested paths on their form field and anything else in the general messages', () => {
    const error = new ApiRequestError(422, {
      status_code: 422,
      detail: 'invalid request',
      errors: [
        { field: 'selected_commands.2', message: 'not a step' },
        { field: 'colour', message: 'unknown field; remove it' },
      ],
    });
    expect(mapFieldErrors(error, ['selected_commands', 'user_request'])).toEqual({
      byField: { selected_commands: ['not a step'] },
      general: ['invalid request', 'colour: unknown field; remove it'],
    });
    expect(mapFieldErrors(null, ['user_request'])).toEqual({ byField: {}, general: [] });
  });
});
