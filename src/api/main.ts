import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config/config.js';
import { createKubeClients } from '../kube/client.js';
import { connectClient } from '../temporal/connection.js';
import { createApp } from './app.js';
import { LiveLogs } from './live-logs.js';
import { RunsService } from './runs-service.js';
import { SystemService } from './system-service.js';
import { LanguagesService } from './languages-service.js';
import { ImageCatalog } from '../kube/image-catalog.js';
import { ApiMetrics } from '../obs/api-metrics.js';
import { countKubeErrors } from '../obs/kube-errors.js';
import { announce, createLogger, errorMessage, type Logger } from '../obs/logger.js';
import { startTracing } from '../obs/tracing.js';

/** API entry point: load config, connect once, wire, serve; close on SIGINT/SIGTERM. */
async function main(log: Logger): Promise<void> {
  const cfg = loadConfig();
  log.level = cfg.logLevel;
  const tracing = startTracing(cfg.obs, 'code-runner-api');
  const metrics = new ApiMetrics();
  const kube = countKubeErrors(createKubeClients(), metrics.kubeErrors);
  const client = await connectClient(cfg.temporal, { errors: metrics.temporalErrors, tracing: tracing !== null });
  const uiDir = fileURLToPath(new URL('../../ui', import.meta.url));
  const { namespace, name } = cfg.runner.imageCatalog;
  const languages = new LanguagesService(cfg, new ImageCatalog(kube, namespace, name));
  const liveLogs = new LiveLogs(kube, cfg.runner.namespace, cfg.runner.logLimitBytes);
  const app = createApp({
    cfg,
    runs: new RunsService(client, cfg, liveLogs, languages, metrics),
    system: new SystemService(client, kube, cfg),
    languages,
    log,
    ...(existsSync(uiDir) ? { uiDir } : {}),
  });
  const server = app.listen(cfg.http.port, cfg.http.host, () => {
    announce(
      log,
      { temporal: cfg.temporal.address, kube: kube.origin, tracing: tracing !== null },
      `api: listening on http://${cfg.http.host}:${cfg.http.port}`,
    );
  });
  const stop = () => {
    server.close(
      () =>
        void client.connection
          .close()
          .then(() => tracing?.shutdown())
          .finally(() => process.exit(0)),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

const log = createLogger('info', 'api');
main(log).catch((err: unknown) => {
  log.fatal({ err: errorMessage(err) }, `api: ${errorMessage(err)}`);
  process.exit(1);
});
