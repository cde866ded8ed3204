import { PassThrough } from 'node:stream';
import { resolveLogFormat } from '../../../src/log-format.js';
import { createLogger } from '../../../src/logger.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

describe('log format', () => {
  it('is pretty on a terminal and JSON otherwise, unless LOG_FORMAT says which', () => {
    expect(resolveLogFormat(undefined, true)).toBe('pretty');
    expect(resolveLogFormat(undefined, false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
  });

  it('prints one human line per event: time, level, work order id, event and the other fields, token redacted', () => {
    const out = capture();
    const logger = createLogger('info', { format: 'pretty', destination: out.stream, colorize: false });
    logger.info({ event: 'sandbox_worktree_created', agent_work_order_id: 'wo-1a2b3c4d', sandbox_path: '/tmp/sb', token: 'ghp_secret' }, 'sandbox_worktree_created');
    logger.warn({ event: 'api_request_failed', error: 'boom' }, 'api_request_failed');
    const lines = out.text().trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: wo-1a2b3c4d sandbox_worktree_created \{"sandbox_path":"\/tmp\/sb","token":"\[redacted\]"\}$/);
    expect(lines[1]).toMatch(/WARN: api_request_failed \{"error":"boom"\}$/);
    expect(out.text()).not.toContain('ghp_secret');
  });

  it('colours the level when asked', () => {
    const out = capture();
    createLogger('info', { format: 'pretty', destination: out.stream, colorize: true }).info({ event: 'x_y_done' }, 'x_y_done');
    expect(out.text()).toContain('\u001b[32mINFO\u001b[39m');
  });

  it('writes JSON lines with the event, the service and no token', () => {
    const out = capture();
    createLogger('info', { format: 'json', destination: out.stream }).info({ event: 'api_server_started', token: 'ghp_secret' }, 'api_server_started');
    const line = JSON.parse(out.text()) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 30, service: 'agent-work-orders', event: 'api_server_started', token: '[redacted]' });
  });
});
