import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkflowInfo } from '@temporalio/workflow';
import { captureLog } from '../support/log-capture.js';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { observe, routeOf, runIdOf } from '../../src/api/observe.js';
import { ApiMetrics } from '../../src/obs/api-metrics.js';
import { grpcMethod, grpcStatusName } from '../../src/obs/grpc-errors.js';
import { kubeErrorCode } from '../../src/obs/kube-errors.js';
import { announce, temporalLogger } from '../../src/obs/logger.js';
import express from 'express';
import request from 'supertest';
import { errorHandler } from '../../src/api/errors.js';
import { HttpError } from '../../src/api/http-error.js';
import { scrape } from '../../src/obs/metrics-server.js';
import { WorkerMetrics } from '../../src/obs/worker-metrics.js';
import { parseExposition, sampleValue } from '../support/prometheus.js';

const RUN = '3f0c2a9e-1b2c-4d5e-8f90-0123456789ab';

describe('request labels', () => {
  it('finds the run a request is about in its path or its Location', () => {
    expect(runIdOf(`/runs/${RUN}`)).toBe(RUN);
    expect(runIdOf(`/runs/${RUN}/logs`)).toBe(RUN);
    expect(runIdOf(`/judge0/submissions/${RUN}`)).toBe(RUN);
    expect(runIdOf('/runs', `/runs/${RUN}`)).toBe(RUN);
    expect(runIdOf('/runs')).toBeUndefined();
    expect(runIdOf('/runs/not-a-uuid')).toBeUndefined();
    expect(runIdOf(`/runs/${RUN}x`)).toBeUndefined();
  });
  it('labels a request by its route pattern, never its raw path', () => {
    expect(routeOf({ baseUrl: '', route: { path: '/runs/:run_id' } }, 200)).toBe('/runs/:run_id');
    expect(routeOf({ baseUrl: '/judge0', route: { path: '/submissions/:token' } }, 200)).toBe(
      '/judge0/submissions/:token',
    );
    expect(routeOf({ baseUrl: '', route: { path: ['/packages', '/packages/:language/:version'] } }, 405)).toBe(
      '/packages',
    );
    expect(routeOf({ baseUrl: '', route: undefined }, 404)).toBe('unmatched');
    expect(routeOf({ baseUrl: '', route: undefined }, 200)).toBe('other');
  });
});

describe('error labels', () => {
  it('names gRPC methods and statuses', () => {
    expect(grpcMethod('/temporal.api.workflowservice.v1.WorkflowService/StartWorkflowExecution')).toBe(
      'StartWorkflowExecution',
    );
    expect(grpcStatusName(5)).toBe('NOT_FOUND');
    expect(grpcStatusName(14)).toBe('UNAVAILABLE');
    expect(grpcStatusName(99)).toBe('99');
  });
  it("reads a Kubernetes failure's HTTP status, or calls it a network failure", () => {
    expect(kubeErrorCode({ code: 409, body: '' })).toBe('409');
    expect(kubeErrorCode(new Error('ECONNREFUSED'))).toBe('network');
    expect(kubeErrorCode(null)).toBe('network');
  });
});

describe('metrics', () => {
  const info = {} as WorkflowInfo;
  it('counts what the run workflow reports through its sinks', async () => {
    const m = new WorkerMetrics();
    const sinks = m.sinks();
    expect(sinks.runMetrics.finished.callDuringReplay).toBe(false);
    expect(sinks.runMetrics.admitted.callDuringReplay).toBe(false);
    void sinks.runMetrics.admitted.fn(info, { language: 'python', tenant: 'acme', waitMs: 1500 });
    void sinks.runMetrics.finished.fn(info, {
      language: 'python',
      tenant: 'acme',
      status: 'Timeout',
      durationMs: 4000,
    });
    m.readQueueFrom(async () => ({ queued: 7, running: 3 }));
    const s = parseExposition(await m.exposition());
    expect(sampleValue(s, 'code_runner_runs_finished_total', { status: 'Timeout', tenant: 'acme' })).toBe(1);
    expect(sampleValue(s, 'code_runner_run_duration_seconds_sum', { language: 'python' })).toBe(4);
    expect(sampleValue(s, 'code_runner_run_duration_seconds_bucket', { le: '3' })).toBe(0);
    expect(sampleValue(s, 'code_runner_run_duration_seconds_bucket', { le: '5' })).toBe(1);
    expect(sampleValue(s, 'code_runner_admission_wait_seconds_sum', { language: 'python' })).toBe(1.5);
    expect(sampleValue(s, 'code_runner_queue_depth', { state: 'queued' })).toBe(7);
    expect(sampleValue(s, 'code_runner_queue_depth', { state: 'running' })).toBe(3);
  });
  it('leaves the queue gauge empty when it cannot be read', async () => {
    const m = new WorkerMetrics();
    m.readQueueFrom(() => Promise.reject(new Error('temporal down')));
    expect(parseExposition(await m.exposition()).filter((x) => x.name === 'code_runner_queue_depth')).toEqual([]);
  });
  it('labels submissions with the default tenant and the native client unless told', async () => {
    const m = new ApiMetrics();
    m.runSubmitted({ language: 'python' });
    m.runSubmitted({ language: 'c', tenant: 'acme', client: 'judge0' });
    const s = parseExposition(await m.exposition());
    expect(sampleValue(s, 'code_runner_runs_submitted_total', { tenant: 'default', client: 'native' })).toBe(1);
    expect(sampleValue(s, 'code_runner_runs_submitted_total', { tenant: 'acme', client: 'judge0' })).toBe(1);
  });
  it("appends the SDK's exposition, or says why it is missing", async () => {
    const m = new ApiMetrics();
    // A STAND-IN for the SDK's Prometheus exporter: a loopback server answering one fixed exposition.
    const sdk = createServer((_req, res) => res.end('temporal_worker_start{task_queue="q"} 1\n'));
    await new Promise<void>((r) => sdk.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(sdk.address() as AddressInfo).port}/metrics`;
    try {
      const s = parseExposition(await scrape({ metrics: m, sdkMetricsUrl: url }));
      expect(sampleValue(s, 'temporal_worker_start', { task_queue: 'q' })).toBe(1);
      expect(s.some((x) => x.name === 'process_cpu_seconds_total')).toBe(true);
    } finally {
      sdk.close();
    }
    const without = await scrape({ metrics: m, sdkMetricsUrl: url });
    expect(without).toMatch(/^# the Temporal SDK's metrics could not be read: /m);
    expect(parseExposition(without).some((x) => x.name.startsWith('temporal_'))).toBe(false);
  });
});

describe('logs', () => {
  it("writes the SDK's lines through pino, a run workflow's id as run_id", () => {
    const { lines, log } = captureLog('debug');
    const t = temporalLogger(log);
    t.warn('Activity failed', { workflowId: RUN, workflowType: 'runWorkflow', activityType: 'createJob' });
    t.info('Workflow started', { workflowId: 'code-runner-admission:q', workflowType: 'admissionWorkflow' });
    t.trace('detail');
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, msg: 'Activity failed', run_id: RUN, activityType: 'createJob' }),
      expect.objectContaining({ level: 30, workflowId: 'code-runner-admission:q' }),
      expect.objectContaining({ level: 20, msg: 'detail' }),
    ]);
    expect(lines[1]).not.toHaveProperty('run_id');
  });
});

describe('API logs', () => {
  it('writes the start-up line at any level', () => {
    const { lines, log } = captureLog('warn');
    log.info('hidden');
    announce(log, { port: 8080 }, 'api: listening on http://0.0.0.0:8080');
    expect(lines).toEqual([
      expect.objectContaining({ level: 30, port: 8080, msg: 'api: listening on http://0.0.0.0:8080' }),
    ]);
  });
  it("logs a 5xx's code, cause, run and tenant; the client sees only the error's code and message", async () => {
    const { lines, log } = captureLog('warn');
    const app = express();
    app.use(observe({ log, metrics: new ApiMetrics(), tracing: false }));
    app.get('/runs/:run_id', () => {
      throw new HttpError(503, 'temporal_unavailable', 'the Temporal server is unreachable', undefined, {
        cause: new Error('14 UNAVAILABLE: connect ECONNREFUSED 127.0.0.1:7233'),
      });
    });
    app.get('/boom', () => {
      throw new TypeError('x is undefined');
    });
    app.use(errorHandler);
    const res = await request(app).get(`/runs/${RUN}`);
    expect(res.status).toBe(503);
    expect(JSON.stringify(res.body)).not.toContain('ECONNREFUSED');
    const boom = await request(app).get('/boom');
    expect(boom.body).toEqual({ error: { code: 'internal_error', message: 'internal error' } });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 50,
        msg: 'temporal_unavailable',
        run_id: RUN,
        tenant: 'default',
        cause: '14 UNAVAILABLE: connect ECONNREFUSED 127.0.0.1:7233',
      }),
      expect.objectContaining({ level: 40, msg: 'request', status: 503, run_id: RUN, tenant: 'default' }),
      expect.objectContaining({
        level: 50,
        msg: 'unhandled error',
        path: '/boom',
        err: expect.objectContaining({ message: 'x is undefined' }),
      }),
      expect.objectContaining({ level: 40, msg: 'request', status: 500, path: '/boom' }),
    ]);
  });
});

describe('observability settings', () => {
  it('has defaults, and traces only with an endpoint', () => {
    expect(loadConfig({}).obs).toEqual({ metricsPort: 9464, sdkMetrics: true });
    const c = loadConfig({
      METRICS_PORT: '0',
      TEMPORAL_SDK_METRICS: 'false',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      OTEL_SERVICE_NAME: 'runner',
    });
    expect(c.obs).toEqual({
      metricsPort: 0,
      sdkMetrics: false,
      otlpEndpoint: 'http://collector:4318',
      serviceName: 'runner',
    });
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector' })).toThrow(ConfigError);
  });
});
