import { createServer, type Server } from 'node:http';
import type { BaseMetrics } from './metrics.js';

export interface MetricsServerOptions {
  metrics: BaseMetrics;
  /** The Temporal SDK's own exporter (loopback), appended to every scrape; absent: ours alone. */
  sdkMetricsUrl?: string;
  /** What /healthz answers: true while the worker runs. */
  healthy: () => boolean;
}

/** Our registry's text, then the SDK's (its names are all `temporal_*`, so nothing collides). */
export async function scrape(o: Pick<MetricsServerOptions, 'metrics' | 'sdkMetricsUrl'>): Promise<string> {
  const ours = await o.metrics.exposition();
  if (!o.sdkMetricsUrl) return ours;
  try {
    const res = await fetch(o.sdkMetricsUrl, { signal: AbortSignal.timeout(2000) });
    if (!res.ok) throw new Error(`status ${res.status}`);
    return `${ours}\n${await res.text()}`;
  } catch (err) {
    return `${ours}\n# the Temporal SDK's metrics could not be read: ${err instanceof Error ? err.message : String(err)}\n`;
  }
}

/** The worker's HTTP listener: GET /metrics (Prometheus text) and GET /healthz. */
export function metricsServer(o: MetricsServerOptions): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/metrics') {
      scrape(o).then(
        (text) => res.writeHead(200, { 'content-type': o.metrics.contentType }).end(text),
        (err: unknown) => res.writeHead(500).end(err instanceof Error ? err.message : String(err)),
      );
    } else if (req.method === 'GET' && path === '/healthz') {
      const ok = o.healthy();
      res
        .writeHead(ok ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: ok ? 'ok' : 'stopping' }));
    } else {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code: 'route_not_found', message: `no route for ${req.method} ${path}` } }));
    }
  });
}

/** Listens on host:port (0: any free port) and resolves with the port. */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}
