import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';

/** Who sent a request, as far as the service can tell: for the settings that need the token, and the audit log. */
export interface RequestCaller {
  kind: 'token' | 'session' | 'anonymous';
  remote_address: string | null;
}

const callerKey = Symbol('awo.request-caller');

export function setRequestCaller(request: IncomingMessage, caller: RequestCaller): void {
  (request as IncomingMessage & { [callerKey]?: RequestCaller })[callerKey] = caller;
}

/** Anonymous when the guard did not run (an app built without it): the safe assumption. */
export function requestCallerOf(request: IncomingMessage): RequestCaller {
  return (request as IncomingMessage & { [callerKey]?: RequestCaller })[callerKey] ?? { kind: 'anonymous', remote_address: request.socket?.remoteAddress ?? null };
}

/** `@Caller() caller: RequestCaller` in a handler. */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext) => requestCallerOf(context.switchToHttp().getRequest<IncomingMessage>()));
