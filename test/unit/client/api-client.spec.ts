import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiRequestError, createApiClient, type WorkOrderLogEntry } from '../../../client/index.js';

/** A real HTTP server answering the way the service does, so the client's fetch, headers and parsing run for real. */
function serve(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    ),
  );
}

const entry = (event: string): WorkOrderLogEntry => ({ timestamp: '2026-01-01T00:00:00Z', level: 'info', event, agent_work_order_id: 'wo-1a2b3c4d', step: 'planning' });

describe('API client', () => {
  it('sends the bearer token and turns a 422 body into an ApiRequestError naming the fields', async () => {
    let authorization: string | undefined;
    let body = '';
    const server = await serve((request, response) => {
      authorization = request.headers.authorization;
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        response.writeHead(422, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ status_code: 422, detail: 'invalid request', errors: [{ field: 'user_request', message: 'must not be empty', rule: 'too_small' }] }));
      });
    });
    try {
      const client = createApiClient({ baseUrl: `${server.url}/`, token: 'secret-token' });
      const error = await client.createWorkOrder({ repository_url: 'https://github.com/o/r', user_request: '', sandbox_type: 'git_worktree' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ApiRequestError);
      const apiError = error as ApiRequestError;
      expect([apiError.status_code, apiError.detail]).toEqual([422, 'invalid request']);
      expect(apiError.fieldMessages('user_request')).toEqual(['must not be empty']);
      expect(apiError.fieldMessages('repository_url')).toEqual([]);
      expect(authorization).toBe('Bearer secret-token');
      expect(JSON.parse(body)).toEqual({ repository_url: 'https://github.com/o/r', user_request: '', sandbox_type: 'git_worktree' });
    } finally {
      await server.close();
    }
  });

  it('keeps the status of an answer that is not the JSON error shape', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end('bad gateway');
    });
    try {
      const error = (await createApiClient({ baseUrl: server.url }).health().catch((caught: unknown) => caught)) as ApiRequestError;
      expect(error).toBeInstanceOf(ApiRequestError);
      expect(error.status_code).toBe(502);
      expect(error.errors).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('follows a log stream split across chunks until its end event, skipping keep-alives', async () => {
    let requestedUrl = '';
    const server = await serve((request, response) => {
      requestedUrl = request.url ?? '';
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(': stream open\n\n');
      const first = `id: 1\ndata: ${JSON.stringify(entry('agent_step_started'))}\n\n`;
      response.write(first.slice(0, 20));
      setTimeout(() => {
        response.write(first.slice(20));
        response.write(`: keep-alive\n\nid: 2\ndata: ${JSON.stringify(entry('agent_step_completed'))}\n\n`);
        response.end(`event: end\ndata: ${JSON.stringify({ agent_work_order_id: 'wo-1a2b3c4d', status: 'completed' })}\n\n`);
      }, 20);
    });
    try {
      const seen: Array<[string, number | null]> = [];
      const outcome = await createApiClient({ baseUrl: server.url }).streamLogs('wo-1a2b3c4d', { onEntry: (logEntry, line) => seen.push([logEntry.event, line]) }, { level: 'info' });
      expect(seen).toEqual([
        ['agent_step_started', 1],
        ['agent_step_completed', 2],
      ]);
      expect(outcome).toEqual({ ended: true, status: 'completed' });
      expect(requestedUrl).toBe('/api/agent-work-orders/wo-1a2b3c4d/logs/stream?level=info');
    } finally {
      await server.close();
    }
  });

  it('says when a log stream closed without an end event', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(`id: 1\ndata: ${JSON.stringify(entry('agent_step_started'))}\n\n`);
    });
    try {
      const outcome = await createApiClient({ baseUrl: server.url }).streamLogs('wo-1a2b3c4d', { onEntry: () => undefined });
      expect(outcome).toEqual({ ended: false });
    } finally {
      await server.close();
    }
  });
});
