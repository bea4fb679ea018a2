import { Router } from 'express';
import type { Config } from '../../config/config.js';
import type { SystemService } from '../system-service.js';
import type { LanguagesService } from '../languages-service.js';
import { requireScope } from '../scopes.js';

export function systemRouter(system: SystemService, languages: LanguagesService, cfg: Config): Router {
  const r = Router();
  r.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Readiness: the API is only useful when Temporal answers.
  r.get('/ready', async (_req, res) => {
    try {
      await system.queueStats('workflow');
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ error: { code: 'temporal_unavailable', message: 'the Temporal server is unreachable' } });
    }
  });
  r.get('/system/status', requireScope('read'), async (_req, res) => {
    res.json(await system.status());
  });
  r.get('/system/queue', requireScope('read'), async (_req, res) => {
    res.json(await system.queueSummary());
  });
  r.get('/languages', requireScope('read'), async (_req, res) => {
    res.json({
      languages: await languages.list(),
      limits: {
        default_timeout_seconds: cfg.limits.defaultTimeoutSeconds,
        max_timeout_seconds: cfg.limits.maxTimeoutSeconds,
        max_code_bytes: cfg.limits.maxCodeBytes,
        max_stdin_bytes: cfg.limits.maxStdinBytes,
        cpu_limit: cfg.runner.resources.cpuLimit,
        memory_limit: cfg.runner.resources.memoryLimit,
        log_limit_bytes: cfg.runner.logLimitBytes,
        max_tests: cfg.limits.maxTests,
        max_input_bytes: cfg.limits.maxInputBytes,
        run: {
          cpu_time_ms: cfg.limits.run.cpuTimeMs,
          wall_time_ms: cfg.limits.maxTimeoutSeconds * 1000,
          memory_mb: cfg.limits.run.memoryMb,
          max_processes: cfg.limits.run.processes,
          output_kb: cfg.limits.run.outputKb,
          file_size_kb: cfg.limits.run.fileSizeKb,
        },
      },
      temporal_ui_url: cfg.temporal.uiUrl,
    });
  });
  return r;
}
