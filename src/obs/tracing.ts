import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Config } from '../config/config.js';

/** A process's traces: where its spans go, and the workflow spans the worker exports through its sink. */
export interface Tracing {
  processor: SpanProcessor;
  resource: Resource;
  /** Sends what is buffered and stops. */
  shutdown(): Promise<void>;
}

/**
 * Traces over OTLP/HTTP (JSON) to `${OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces`, or null when no endpoint is
 * set: then nothing is installed and no span is ever made (the interceptors and the request span are
 * left out, not just unexported). Registers the process's global tracer provider with an
 * AsyncLocalStorage context (so a request's span parents the workflow start) and W3C propagation.
 */
export function startTracing(cfg: Config['obs'], service: string): Tracing | null {
  if (!cfg.otlpEndpoint) return null;
  const resource = new Resource({ [ATTR_SERVICE_NAME]: cfg.serviceName ?? service });
  const processor = new BatchSpanProcessor(new OTLPTraceExporter({ url: `${cfg.otlpEndpoint}/v1/traces` }), {
    scheduledDelayMillis: 1000,
  });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  provider.register();
  return { processor, resource, shutdown: () => provider.shutdown() };
}
