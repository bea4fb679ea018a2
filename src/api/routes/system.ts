import { Router } from 'express';
import type { Config } from '../../config/config.js';
import { callerOf } from '../caller.js';
import type { SystemService } from '../system-service.js';
import type { LanguagesService } from '../languages-service.js';
import { health, languagesResponse, queueSummary, ready, systemStatus } from '../response-schemas.js';
import type { ApiRoutes } from '../openapi/routes.js';
import type { z } from 'zod';

export function systemRouter(
  routes: ApiRoutes,
  system: SystemService,
  languages: LanguagesService,
  cfg: Config,
): Router {
  const r = Router();
  const probe = { tag: 'system', scope: null } as const;
  routes.add(
    r,
    {
      ...probe,
      method: 'get',
      path: '/health',
      operationId: 'health',
      summary: 'Liveness: the API process answers',
      responses: { 200: { description: 'alive', body: health } },
    },
    async (_input, _req, res) => {
      res.json({ status: 'ok' });
    },
  );
  // Readiness: the API is only useful when Temporal answers.
  routes.add(
    r,
    {
      ...probe,
      method: 'get',
      path: '/ready',
      operationId: 'ready',
      summary: 'Readiness: the Temporal server answers',
      responses: {
        200: { description: 'ready', body: ready },
        503: { description: 'temporal_unavailable: the Temporal server is unreachable' },
      },
    },
    async (_input, _req, res) => {
      try {
        await system.queueStats('workflow');
        res.json({ status: 'ready' });
      } catch {
        res
          .status(503)
          .json({ error: { code: 'temporal_unavailable', message: 'the Temporal server is unreachable' } });
      }
    },
  );
  // The cluster-wide views list every tenant's runs and the cluster's pods: administrative.
  routes.add(
    r,
    {
      method: 'get',
      path: '/system/status',
      operationId: 'systemStatus',
      summary: 'Queue, runs, workers and runner Jobs and pods (the Live monitor)',
      tag: 'system',
      scope: 'admin',
      responses: { 200: { description: 'the system', body: systemStatus } },
    },
    async (_input, _req, res) => {
      res.json(await system.status());
    },
  );
  routes.add(
    r,
    {
      method: 'get',
      path: '/system/queue',
      operationId: 'systemQueue',
      summary: 'The true queue alone (what KEDA’s metrics-api trigger reads)',
      tag: 'system',
      // Open, so that KEDA's in-cluster trigger needs no key; the run ids only for an admin key.
      scope: null,
      responses: { 200: { description: 'the queue', body: queueSummary } },
    },
    async (_input, _req, res) => {
      const summary = await system.queueSummary();
      const admin = callerOf(res).scopes.includes('admin');
      res.json(admin ? summary : { ...summary, queued_run_ids: [] });
    },
  );
  routes.add(
    r,
    {
      method: 'get',
      path: '/languages',
      operationId: 'listLanguages',
      summary: 'Languages, their versions and availability, and the limits a run may ask for',
      tag: 'languages',
      scope: 'read',
      responses: { 200: { description: 'the languages', body: languagesResponse } },
    },
    async (_input, _req, res) => {
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
      } satisfies z.output<typeof languagesResponse>);
    },
  );
  return r;
}
