import { type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { OpenAPIObject } from '@nestjs/swagger';
import { documentedMethods } from './openapi-completion.js';

/**
 * Requests Node refuses before any route sees them (a malformed request line, a Content-Length that leaves bytes
 * over, headers or a path beyond the header limit) get the API's JSON error too, instead of Node's bare status line.
 */
export function answerClientErrorsWithJson(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const detail =
      status === 431 ? 'request: the path or headers are larger than the limit' : status === 408 ? 'request: not received in time' : 'request: not a valid HTTP request';
    const body = JSON.stringify({ status_code: status, detail });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
}

/** A method the document does not list for a path it does list: 405 with `Allow`, not Express's "Cannot TRACE" 404. */
export function methodNotAllowed(document: OpenAPIObject) {
  const routes = documentedMethods(document);
  return (request: IncomingMessage, response: ServerResponse, next: () => void): void => {
    const path = (request.url ?? '/').split('?')[0]!;
    // `/repositories` also matches `/{agent_work_order_id}`: a method any matching path answers is allowed.
    const matching = routes.filter((candidate) => candidate.pattern.test(path));
    if (matching.length === 0) return next();
    const methods = [...new Set(matching.flatMap((route) => route.methods))];
    const allowed = methods.includes('GET') ? [...methods, 'HEAD'] : methods;
    if (allowed.includes(request.method ?? '')) return next();
    const body = JSON.stringify({ status_code: 405, detail: `method not allowed here; allowed: ${allowed.join(', ')}` });
    response.writeHead(405, { allow: allowed.join(', '), 'content-type': 'application/json; charset=utf-8' });
    response.end(body);
  };
}
