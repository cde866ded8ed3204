import { randomUUID } from 'node:crypto';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Logger } from '../../src/logger.js';
import type { ApiErrorBody } from '../../src/models/api-error.js';
import {
  AuthenticationRequiredError,
  DependencyUnavailableError,
  ForbiddenRequestError,
  MisdirectedRequestError,
  NotWaitingForApprovalError,
  RequestValidationError,
  WorkOrderEndedError,
  WorkOrderNotFoundError,
} from './api-errors.js';


/**
 * The one place errors become HTTP answers. Domain errors keep their message (it names the field or the reason);
 * anything unexpected is logged and answered with a bare 500 that carries no stack, path or token.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<ServerResponse>();
    const body = this.toBody(exception);
    if (response.headersSent) {
      // An SSE stream that failed after it began: the status is gone, only closing is left.
      response.end();
      return;
    }
    response.writeHead(body.status_code, { 'content-type': 'application/json; charset=utf-8', ...extraHeaders(exception) });
    response.end(JSON.stringify(body));
  }

  private toBody(exception: unknown): ApiErrorBody {
    if (exception instanceof RequestValidationError) {
      return { status_code: HttpStatus.UNPROCESSABLE_ENTITY, detail: exception.message, errors: exception.issues };
    }
    if (exception instanceof WorkOrderNotFoundError) return { status_code: HttpStatus.NOT_FOUND, detail: exception.message };
    if (exception instanceof WorkOrderEndedError || exception instanceof NotWaitingForApprovalError) return { status_code: HttpStatus.CONFLICT, detail: exception.message };
    if (exception instanceof AuthenticationRequiredError) return { status_code: HttpStatus.UNAUTHORIZED, detail: exception.message };
    if (exception instanceof ForbiddenRequestError) return { status_code: HttpStatus.FORBIDDEN, detail: exception.message };
    if (exception instanceof MisdirectedRequestError) return { status_code: HttpStatus.MISDIRECTED, detail: exception.message };
    if (exception instanceof DependencyUnavailableError) {
      this.logger.warn({ event: 'api_dependency_unavailable', dependency: exception.dependency, error: exception.message }, 'api_dependency_unavailable');
      return { status_code: HttpStatus.SERVICE_UNAVAILABLE, detail: exception.message };
    }
    const status = httpStatusOf(exception);
    if (status !== undefined && status < 500) return { status_code: status, detail: clientErrorDetail(exception, status) };

    const errorId = randomUUID();
    this.logger.error(
      { event: 'api_request_failed', error_id: errorId, error: exception instanceof Error ? exception.message : String(exception), stack: exception instanceof Error ? exception.stack : undefined },
      'api_request_failed',
    );
    return { status_code: HttpStatus.INTERNAL_SERVER_ERROR, detail: 'internal error; see the service log for this error_id', error_id: errorId };
  }
}

/** Headers an error answer carries besides its body: how to authenticate, when to retry. */
function extraHeaders(exception: unknown): Record<string, string> {
  if (exception instanceof AuthenticationRequiredError) return { 'www-authenticate': 'Bearer realm="agent-work-orders"' };
  if (exception instanceof DependencyUnavailableError) return { 'retry-after': String(exception.retryAfterSeconds) };
  return {};
}

/** Nest's HttpExceptions, and the body parser's errors (payload too large, malformed JSON), which carry `status`. */
function httpStatusOf(exception: unknown): number | undefined {
  if (exception instanceof HttpException) return exception.getStatus();
  const status = (exception as { status?: unknown; statusCode?: unknown } | null)?.status ?? (exception as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : undefined;
}

function clientErrorDetail(exception: unknown, status: number): string {
  // Nest wraps the body parser's and Express's errors; their messages quote what the client sent, so never echo them.
  const source = exception instanceof HttpException && exception.cause !== undefined ? exception.cause : exception;
  const type = (source as { type?: unknown } | null)?.type;
  if (type === 'entity.too.large') return 'body: the request body is too large';
  if (type === 'entity.parse.failed' || source instanceof SyntaxError) return 'body: the request body is not valid JSON (an object is expected)';
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return 'body: unsupported encoding or charset';
  if (source instanceof URIError) return 'path: invalid percent-encoding';
  if (source !== exception) return STATUS_CODES[status] ?? 'bad request';
  if (exception instanceof HttpException) {
    const response = exception.getResponse();
    const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    if (typeof message === 'string') return message;
    if (Array.isArray(message)) return message.map(String).join('; ');
  }
  return status === 404 ? 'not found' : 'bad request';
}
