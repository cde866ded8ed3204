import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { Observable } from 'rxjs';
import { TemporalAvailability } from './temporal-availability.js';

/**
 * With `TemporalAvailableGuard` on a controller whose routes need Temporal: a request that got past the guard just
 * before Temporal went away answers 503 + Retry-After as soon as that is found, instead of waiting for the server to
 * come back. A response already streaming (the log stream) is left alone: its status is sent.
 */
@Injectable()
export class TemporalAvailableInterceptor implements NestInterceptor {
  constructor(private readonly availability: TemporalAvailability) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const response = context.switchToHttp().getResponse<ServerResponse>();
    return new Observable((subscriber) => {
      // Its own observer: handing over `subscriber` would make unsubscribing the handler close this observable too.
      const handled = next.handle().subscribe({
        next: (value) => subscriber.next(value),
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      const stopWatching = this.availability.watchWhileWaiting((error) => {
        if (response.headersSent) return;
        subscriber.error(error);
        handled.unsubscribe();
      });
      return () => {
        stopWatching();
        handled.unsubscribe();
      };
    });
  }
}
