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
import { stdoutAudit } from './audit.js';

/** API entry point: load config, connect once, wire, serve; close on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const cfg = loadConfig();
  const kube = createKubeClients();
  const client = await connectClient(cfg.temporal);
  const uiDir = fileURLToPath(new URL('../../ui', import.meta.url));
  const { namespace, name } = cfg.runner.imageCatalog;
  const languages = new LanguagesService(cfg, new ImageCatalog(kube, namespace, name));
  const keys = cfg.keys.enabled ? await startKeys(cfg.keys, kube) : null;
  if (!keys) console.warn(KEYS_OFF_WARNING);
  const liveLogs = new LiveLogs(kube, cfg.runner.namespace, cfg.runner.logLimitBytes);
  const runs = new RunsService(client, cfg, liveLogs, languages, stdoutAudit);
  const app = createApp({
    cfg,
    runs,
    audit: stdoutAudit,
    ...(keys ? { keys: keys.registry } : {}),
    system: new SystemService(client, kube, cfg),
    languages,
    ...(existsSync(uiDir) ? { uiDir } : {}),
  });
  const server = app.listen(cfg.http.port, cfg.http.host, () => {
    console.log(
      `api: listening on http://${cfg.http.host}:${cfg.http.port} (temporal ${cfg.temporal.address}, kube ${kube.origin})`,
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
    server.close(() => void client.connection.close().finally(() => process.exit(0)));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`api: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
