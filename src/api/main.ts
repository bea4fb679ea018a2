import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config/config.js';
import { createKubeClients } from '../kube/client.js';
import { connectClient } from '../temporal/connection.js';
import { createApp, pistonPaths } from './app.js';
import { servePistonConnect } from './piston/connect.js';
import { LiveLogs } from './live-logs.js';
import { RunsService } from './runs-service.js';
import { SystemService } from './system-service.js';
import { LanguagesService } from './languages-service.js';
import { ImageCatalog } from '../kube/image-catalog.js';
import { KEYS_OFF_WARNING, startKeys } from './keys/index.js';
import { loggerAudit } from './audit.js';
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
  const keys = cfg.keys.enabled ? await startKeys(cfg.keys, kube) : null;
  if (!keys) log.warn(KEYS_OFF_WARNING);
  const audit = loggerAudit(log);
  const liveLogs = new LiveLogs(kube, cfg.runner.namespace, cfg.runner.logLimitBytes);
  const runs = new RunsService(client, cfg, liveLogs, languages, metrics, audit);
  const app = createApp({
    cfg,
    runs,
    audit,
    ...(keys ? { keys: keys.registry } : {}),
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
  const sockets = cfg.piston.enabled
    ? servePistonConnect(server, pistonPaths(cfg.piston.prefix), {
        cfg,
        runs,
        languages,
        kube,
        ...(keys ? { keys: keys.registry } : {}),
      })
    : null;
  const stop = () => {
    keys?.stop();
    // Interactive sessions end (going away); their runs go on within their limits.
    for (const ws of sockets?.clients ?? []) ws.close(1001, 'server shutting down');
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
