import { readFileSync } from 'node:fs';
import {
  Client,
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  type ConnectionOptions,
} from '@temporalio/client';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import type { Config } from '../config/config.js';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { Counter } from 'prom-client';
import { grpcErrorCounter } from '../obs/grpc-errors.js';

/** TLS / API key options shared by the client (API) and the native connection (worker). */
function connectionOptions(cfg: Config['temporal']): ConnectionOptions & NativeConnectionOptions {
  const read = (p?: string) => (p ? readFileSync(p) : undefined);
  const tls = cfg.tls
    ? {
        serverNameOverride: cfg.tls.serverName,
        serverRootCACertificate: read(cfg.tls.caPath),
        ...(cfg.tls.certPath && cfg.tls.keyPath
          ? { clientCertPair: { crt: read(cfg.tls.certPath)!, key: read(cfg.tls.keyPath)! } }
          : {}),
      }
    : cfg.apiKey
      ? true
      : undefined;
  return { address: cfg.address, ...(tls ? { tls } : {}), ...(cfg.apiKey ? { apiKey: cfg.apiKey } : {}) };
}

/**
 * The SDK's retries, less gRPC UNKNOWN: Temporal answers it for requests it cannot serve (a page token it
 * cannot parse), and retrying those only turns a prompt answer into a deadline that reads as an outage.
 */
const UNKNOWN = 2;
const defaults = defaultGrpcRetryOptions();
const retry = makeGrpcRetryInterceptor({
  delayFunction: defaults.delayFunction,
  retryableDecider: (attempt, status) => status.code !== UNKNOWN && defaults.retryableDecider(attempt, status),
});

export interface ClientObs {
  /** Counts calls that failed (after retries) by method and status. */
  errors?: Counter<'method' | 'code'>;
  /** Trace workflow starts, signals and queries (the span goes to the workflow in its headers). */
  tracing?: boolean;
}

export async function connectClient(cfg: Config['temporal'], obs: ClientObs = {}): Promise<Client> {
  const connection = await Connection.connect({
    ...connectionOptions(cfg),
    connectTimeout: '5s',
    interceptors: obs.errors ? [grpcErrorCounter(obs.errors), retry] : [retry],
  });
  return new Client({
    connection,
    namespace: cfg.namespace,
    ...(obs.tracing ? { interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } } : {}),
  });
}

export async function connectWorkerConnection(cfg: Config['temporal']): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(cfg));
}
