import { InterceptingCall, RequesterBuilder, type Interceptor, type StatusObject } from '@grpc/grpc-js';
import { defaultGrpcRetryOptions, type GrpcRetryOptions } from '@temporalio/client';

/**
 * The retry policy of Temporal's own interceptor (same decider, same backoff), but a retry whose backoff ends after
 * the connection was closed ends the call with its last status. Temporal's interceptor creates the retried call in a
 * bare timer, where grpc-js throws "Channel has been shut down" and the process dies: closing the API while Temporal
 * is unreachable crashed it.
 */
export function shutdownSafeRetryInterceptor(retry: GrpcRetryOptions = defaultGrpcRetryOptions()): Interceptor {
  return (callOptions, nextCall) => {
    let request: unknown;
    const requester = new RequesterBuilder()
      .withStart((metadata, upstream, startFirst) => {
        let attempt = 1;
        let response: unknown;
        const keepResponse = (message: unknown) => {
          response = message;
        };
        const finish = (status: StatusObject) => {
          if (response !== undefined) upstream.onReceiveMessage(response);
          upstream.onReceiveStatus(status);
        };
        const onStatus = (status: StatusObject) => {
          if (!retry.retryableDecider(attempt, status)) return finish(status);
          setTimeout(() => {
            attempt++;
            try {
              const call = nextCall(callOptions);
              call.start(metadata, { onReceiveMessage: keepResponse, onReceiveStatus: onStatus });
              call.sendMessage(request);
              call.halfClose();
            } catch {
              finish(status);
            }
          }, retry.delayFunction(attempt, status));
        };
        startFirst(metadata, { onReceiveMessage: keepResponse, onReceiveStatus: onStatus });
      })
      .withSendMessage((message, next) => {
        request = message;
        next(message);
      })
      .build();
    return new InterceptingCall(nextCall(callOptions), requester);
  };
}
