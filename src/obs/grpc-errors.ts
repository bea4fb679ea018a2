import { InterceptingCall, status as Status, type Interceptor } from '@grpc/grpc-js';
import type { Counter } from 'prom-client';

const STATUS_NAMES = new Map<number, string>(
  Object.entries(Status)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => [v as number, k]),
);

/** `/temporal.api.workflowservice.v1.WorkflowService/StartWorkflowExecution` → `StartWorkflowExecution`. */
export const grpcMethod = (path: string): string => path.slice(path.lastIndexOf('/') + 1) || path;
export const grpcStatusName = (code: number): string => STATUS_NAMES.get(code) ?? String(code);

/**
 * A gRPC client interceptor counting calls that end with a status other than OK. Placed before the
 * SDK's retry interceptor, it counts what callers saw after retries, not each attempt.
 */
export function grpcErrorCounter(counter: Counter<'method' | 'code'>): Interceptor {
  return (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        next(metadata, {
          onReceiveStatus(status, nextStatus) {
            if (status.code !== Status.OK)
              counter.inc({ method: grpcMethod(options.method_definition.path), code: grpcStatusName(status.code) });
            nextStatus(status);
          },
        });
      },
    });
}
