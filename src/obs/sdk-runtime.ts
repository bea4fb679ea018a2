import { createServer } from 'node:net';
import { Runtime } from '@temporalio/worker';
import { temporalLogger, type Logger } from './logger.js';

/** A free loopback port (the OS picks it; released at once for the SDK's exporter to bind). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Installs the Temporal SDK's runtime (once per process, before any connection): its log lines (the
 * worker's, workflows' and activities' context loggers, and Core's own at WARN) go through pino; with
 * `sdkMetrics`, Core's Prometheus exporter listens on a loopback port whose /metrics the worker's own
 * /metrics appends (one scrape target per pod). Returns that URL.
 */
export async function installRuntime(log: Logger, sdkMetrics: boolean): Promise<string | undefined> {
  const port = sdkMetrics ? await freeLoopbackPort() : undefined;
  Runtime.install({
    logger: temporalLogger(log.child({ component: 'temporal' })),
    telemetryOptions: {
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      ...(port ? { metrics: { prometheus: { bindAddress: `127.0.0.1:${port}` } } } : {}),
    },
  });
  return port ? `http://127.0.0.1:${port}/metrics` : undefined;
}
