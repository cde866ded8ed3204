/** A tiny JSON client for the API under test: status and parsed body, never throwing on 4xx/5xx. */
export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
  text: string;
}

export class ApiClient {
  constructor(readonly baseUrl: string) {}

  get<T = unknown>(path: string): Promise<ApiAnswer<T>> {
    return this.send<T>('GET', path);
  }

  post<T = unknown>(path: string, body?: unknown): Promise<ApiAnswer<T>> {
    return this.send<T>('POST', path, body === undefined ? undefined : JSON.stringify(body), 'application/json');
  }

  /** A body sent exactly as given (malformed JSON, other content types). */
  postRaw<T = unknown>(path: string, text: string, contentType: string): Promise<ApiAnswer<T>> {
    return this.send<T>('POST', path, text, contentType);
  }

  private async send<T>(method: string, path: string, body?: string, contentType?: string): Promise<ApiAnswer<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      body,
      headers: contentType ? { 'content-type': contentType } : undefined,
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: the raw text is the body.
    }
    return { status: response.status, body: parsed as T, text };
  }
}

export interface SseEvent {
  id: string | null;
  event: string;
  data: string;
}

export interface SseResult {
  status: number;
  events: SseEvent[];
  comments: string[];
  /** The server ended the stream (as opposed to our timeout). */
  closedByServer: boolean;
}

/** Reads a server-sent-events stream until the server closes it or `timeoutMs` passes. */
export async function readSse(url: string, options: { timeoutMs: number; headers?: Record<string, string> }): Promise<SseResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  const result: SseResult = { status: 0, events: [], comments: [], closedByServer: false };
  try {
    const response = await fetch(url, { headers: { accept: 'text/event-stream', ...options.headers }, signal: controller.signal });
    result.status = response.status;
    if (!response.body) return result;
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let boundary = buffer.indexOf('\n\n');
      while (boundary !== -1) {
        parseBlock(buffer.slice(0, boundary), result);
        buffer = buffer.slice(boundary + 2);
        boundary = buffer.indexOf('\n\n');
      }
    }
    result.closedByServer = true;
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
  }
  return result;
}

function parseBlock(block: string, result: SseResult): void {
  const event: SseEvent = { id: null, event: 'message', data: '' };
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) result.comments.push(line.slice(1).trim());
    else if (line.startsWith('id: ')) event.id = line.slice(4);
    else if (line.startsWith('event: ')) event.event = line.slice(7);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
  }
  if (data.length > 0) {
    event.data = data.join('\n');
    result.events.push(event);
  }
}
