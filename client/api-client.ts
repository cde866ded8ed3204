import createFetchClient from 'openapi-fetch';
import { ApiRequestError } from './api-error.js';
import type { components, operations, paths } from './generated/api-types.js';
import { readServerSentEvents } from './sse-stream.js';

export type Schemas = components['schemas'];
export type AgentWorkOrder = Schemas['AgentWorkOrder'];
export type WorkOrderStatus = AgentWorkOrder['status'];
export type WorkOrderStep = AgentWorkOrder['selected_commands'][number];
export type SandboxType = AgentWorkOrder['sandbox_type'];
export type StepRecord = Schemas['StepRecord'];
export type WorkOrderLogEntry = Schemas['WorkOrderLogEntry'];
export type ConfiguredRepository = Schemas['ConfiguredRepository'];
export type Settings = Schemas['Settings'];
export type SettingView = Schemas['SettingView'];
export type HealthReport = Schemas['HealthReport'];
export type ServiceInfo = Schemas['ServiceInfo'];

type JsonBody<Operation> = Operation extends { requestBody?: { content: { 'application/json': infer Body } } } ? Body : never;
type Query<Operation> = Operation extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

export type CreateWorkOrderRequest = JsonBody<operations['WorkOrdersController_create']>;
export type ListWorkOrdersQuery = Query<operations['WorkOrdersController_list']>;
export type WorkOrderLogsQuery = Query<operations['WorkOrdersController_logPage']>;
export type LogStreamQuery = Query<operations['WorkOrdersController_logStreamEvents']>;
export type AddRepositoryRequest = JsonBody<operations['RepositoriesController_add']>;
export type UpdateRepositoryRequest = JsonBody<operations['RepositoriesController_update']>;
export type UpdateSettingsRequest = JsonBody<operations['SettingsController_update']>;
export type ApprovalDecision = JsonBody<operations['WorkOrdersController_decideApproval']>;

export interface ApiClientOptions {
  /** The service's address (`http://127.0.0.1:8888`); omitted in the browser, where the UI is served by the API. */
  baseUrl?: string;
  /** Sent as `Authorization: Bearer`; the browser signs in with a session cookie instead. */
  token?: string;
  /** Defaults to the global fetch, looked up at each call (tests and polyfills replace it). */
  fetch?: typeof fetch;
}

export interface LogStreamHandlers {
  onEntry(entry: WorkOrderLogEntry, lineNumber: number | null): void;
  signal?: AbortSignal;
}

/** How a log stream finished: the service said the work order ended, or the connection closed without saying so. */
export type LogStreamOutcome = { ended: true; status: WorkOrderStatus | null } | { ended: false };

/**
 * Pending answers of openapi-fetch, reduced to the data; anything but 2xx throws an ApiRequestError with the body.
 */
async function unwrap<Data>(pending: Promise<{ data?: Data; error?: unknown; response: Response }>): Promise<Data> {
  const { data, error, response } = await pending;
  if (!response.ok) throw new ApiRequestError(response.status, error);
  return data as Data;
}

/** The typed client of the service's HTTP API, for the web UI (browser) and the `awo` CLI (Node 20+). */
export function createApiClient(options: ApiClientOptions = {}) {
  // Absolute even in the browser: a Request built from a relative URL fails outside a real page (jsdom, workers).
  const baseUrl = (options.baseUrl ?? (globalThis as { location?: { origin: string } }).location?.origin ?? '').replace(/\/+$/, '');
  const authorization: Record<string, string> = options.token ? { Authorization: `Bearer ${options.token}` } : {};
  const fetchImpl = (request: Request) => (options.fetch ?? globalThis.fetch)(request);
  const http = createFetchClient<paths>({ baseUrl, headers: authorization, credentials: 'same-origin', fetch: fetchImpl });
  const id = (agent_work_order_id: string) => ({ params: { path: { agent_work_order_id } } });

  return {
    /** The underlying openapi-fetch client, for a route without a method here. */
    http,
    health: () => unwrap(http.GET('/health')),
    info: () => unwrap(http.GET('/api/info')),

    listWorkOrders: (query: ListWorkOrdersQuery = {}) => unwrap(http.GET('/api/agent-work-orders', { params: { query } })),
    getWorkOrder: (workOrderId: string) => unwrap(http.GET('/api/agent-work-orders/{agent_work_order_id}', id(workOrderId))),
    createWorkOrder: (body: CreateWorkOrderRequest) => unwrap(http.POST('/api/agent-work-orders', { body })),
    stepHistory: (workOrderId: string) => unwrap(http.GET('/api/agent-work-orders/{agent_work_order_id}/steps', id(workOrderId))),
    gitProgress: (workOrderId: string) => unwrap(http.GET('/api/agent-work-orders/{agent_work_order_id}/git-progress', id(workOrderId))),
    logs: (workOrderId: string, query: WorkOrderLogsQuery = {}) =>
      unwrap(http.GET('/api/agent-work-orders/{agent_work_order_id}/logs', { params: { path: { agent_work_order_id: workOrderId }, query } })),
    sendPrompt: (workOrderId: string, promptText: string) =>
      unwrap(http.POST('/api/agent-work-orders/{agent_work_order_id}/prompt', { ...id(workOrderId), body: { prompt_text: promptText } })),
    cancelWorkOrder: (workOrderId: string) => unwrap(http.POST('/api/agent-work-orders/{agent_work_order_id}/cancel', id(workOrderId))),
    /** Approve, edit or reject the plan a work order waits with; answers with the work order as the decision left it. */
    decideApproval: (workOrderId: string, body: ApprovalDecision) => unwrap(http.POST('/api/agent-work-orders/{agent_work_order_id}/approval', { ...id(workOrderId), body })),

    verifyRepository: (repositoryUrl: string) => unwrap(http.POST('/api/agent-work-orders/github/verify-repository', { body: { repository_url: repositoryUrl } })),
    listRepositories: () => unwrap(http.GET('/api/agent-work-orders/repositories')),
    addRepository: (body: AddRepositoryRequest) => unwrap(http.POST('/api/agent-work-orders/repositories', { body })),
    updateRepository: (repositoryId: string, body: UpdateRepositoryRequest) =>
      unwrap(http.PATCH('/api/agent-work-orders/repositories/{id}', { params: { path: { id: repositoryId } }, body })),
    deleteRepository: (repositoryId: string) => unwrap(http.DELETE('/api/agent-work-orders/repositories/{id}', { params: { path: { id: repositoryId } } })),
    reverifyRepository: (repositoryId: string) => unwrap(http.POST('/api/agent-work-orders/repositories/{id}/verify', { params: { path: { id: repositoryId } } })),

    getSettings: () => unwrap(http.GET('/api/agent-work-orders/settings')),
    updateSettings: (body: UpdateSettingsRequest) => unwrap(http.PUT('/api/agent-work-orders/settings', { body })),
    testGitHub: () => unwrap(http.POST('/api/agent-work-orders/settings/test-github')),
    testClaude: () => unwrap(http.POST('/api/agent-work-orders/settings/test-claude')),

    /**
     * Follows the work order's live log (backlog first) until the service sends `end`, the connection closes or the
     * signal aborts. Resolves with how it finished; an abort rejects with the signal's reason.
     */
    async streamLogs(workOrderId: string, handlers: LogStreamHandlers, query: LogStreamQuery = {}): Promise<LogStreamOutcome> {
      const search = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
      const suffix = search.size > 0 ? `?${search}` : '';
      const url = `${baseUrl}/api/agent-work-orders/${encodeURIComponent(workOrderId)}/logs/stream${suffix}`;
      const response = await (options.fetch ?? globalThis.fetch)(url, {
        headers: { ...authorization, Accept: 'text/event-stream' },
        credentials: 'same-origin',
        signal: handlers.signal,
      });
      if (!response.ok || !response.body) throw new ApiRequestError(response.status, await response.json().catch(() => null));
      for await (const event of readServerSentEvents(response.body)) {
        if (event.event === 'end') {
          const status = (JSON.parse(event.data) as { status?: WorkOrderStatus }).status ?? null;
          return { ended: true, status };
        }
        if (event.event === 'message') handlers.onEntry(JSON.parse(event.data) as WorkOrderLogEntry, event.id === null ? null : Number(event.id));
      }
      return { ended: false };
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
