import type { Server } from 'node:http';
import { Counter, Registry } from 'prom-client';
import { createLogger } from '../../src/obs/logger.js';
import { countKubeErrors } from '../../src/obs/kube-errors.js';
import { listen, metricsServer } from '../../src/obs/metrics-server.js';
import { queueDepthReader } from '../../src/obs/queue-depth.js';
import { installRuntime } from '../../src/obs/sdk-runtime.js';
import { WorkerMetrics } from '../../src/obs/worker-metrics.js';
import { connectClient } from '../../src/temporal/connection.js';
import { stateQuery } from '../../src/workflows/definitions.js';
import { createStack, eventually, type Stack } from '../support/stack.js';
import { captureLog } from '../support/log-capture.js';
import { createApp } from '../../src/api/app.js';
import { SystemService } from '../../src/api/system-service.js';
import { ApiClient } from '../support/api.js';
import { sampleValue, scrapeUrl, type Sample } from '../support/prometheus.js';
import { serveLocal } from '../support/serve.js';

/**
 * The API's and the worker's /metrics over HTTP after one real run (real Temporal, real Kubernetes). A
 * query of the finished run makes the worker replay its whole history: the counts staying at one show
 * that the metric sinks are not called during replay.
 */
describe('metrics', () => {
  let stack: Stack;
  let api: Server;
  let worker: Server;
  let apiUrl: string;
  let workerUrl: string;
  const metrics = new WorkerMetrics();

  beforeAll(async () => {
    // The SDK's runtime first (before any native connection): its own metrics join the worker's scrape.
    const sdkMetricsUrl = await installRuntime(createLogger('warn', 'worker'), true);
    stack = await createStack();
    metrics.readQueueFrom(queueDepthReader(stack.client, stack.cfg.temporal));
    const running = await stack.startWorker(undefined, { metrics });
    worker = metricsServer({ metrics, healthy: () => running.worker.getState() === 'RUNNING', sdkMetricsUrl });
    workerUrl = `http://127.0.0.1:${await listen(worker, 0, '127.0.0.1')}`;
    ({ server: api, base: apiUrl } = await serveLocal(stack.app));
  });
  afterAll(async () => {
    api?.closeAllConnections();
    api?.close();
    worker?.closeAllConnections();
    worker?.close();
    await stack?.close();
  });

  it('counts a python run on both sides, with its status, language and tenant', async () => {
    const res = await fetch(`${apiUrl}/runs?wait=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ language: 'python', code: 'print(6*7)', timeout_seconds: 20 }),
    });
    const body = (await res.json()) as { run_id: string; status: string; logs: string };
    expect(res.status).toBe(201);
    expect(body).toMatchObject({ status: 'Succeeded', logs: '42\n' });

    const fromApi = await scrapeUrl(`${apiUrl}/metrics`);
    expect(
      sampleValue(fromApi, 'code_runner_runs_submitted_total', {
        language: 'python',
        tenant: 'default',
        client: 'native',
      }),
    ).toBe(1);
    expect(
      sampleValue(fromApi, 'code_runner_http_requests_total', { route: '/runs', method: 'POST', status: '201' }),
    ).toBe(1);
    expect(
      sampleValue(fromApi, 'code_runner_http_request_duration_seconds_count', { route: '/runs', method: 'POST' }),
    ).toBe(1);
    // The run took its second or so, and the histogram's sum says so.
    expect(
      sampleValue(fromApi, 'code_runner_http_request_duration_seconds_sum', { route: '/runs', method: 'POST' }),
    ).toBeGreaterThan(0.3);
    expect(sampleValue(fromApi, 'process_resident_memory_bytes')).toBeGreaterThan(0);

    // The finished sink fires when the workflow's last task completes, a moment after the result is readable.
    const fromWorker = await eventually(
      async () => {
        const s = await scrapeUrl(`${workerUrl}/metrics`);
        return sampleValue(s, 'code_runner_run_duration_seconds_count', { language: 'python' }) ? s : null;
      },
      10000,
      'the worker to count the finished run',
    );
    // Replay the finished run (a query of a closed workflow replays its history); nothing is counted twice.
    const state = await stack.client.workflow.getHandle(body.run_id).query(stateQuery);
    expect(state.status).toBe('Succeeded');
    const afterReplay = await scrapeUrl(`${workerUrl}/metrics`);
    for (const name of ['code_runner_runs_finished_total', 'code_runner_admission_wait_seconds_count'])
      expect(afterReplay.filter((s) => s.name === name).map((s) => s.value)).toEqual([1]);
    const finished = (labels: Record<string, string>) =>
      sampleValue(fromWorker, 'code_runner_runs_finished_total', labels);
    expect(finished({ status: 'Succeeded', language: 'python', tenant: 'default' })).toBe(1);
    expect(fromWorker.filter((s) => s.name === 'code_runner_runs_finished_total')).toHaveLength(1);
    expect(sampleValue(fromWorker, 'code_runner_run_duration_seconds_count', { language: 'python' })).toBe(1);
    const duration = sampleValue(fromWorker, 'code_runner_run_duration_seconds_sum', { language: 'python' })!;
    expect(duration).toBeGreaterThan(0.3);
    expect(duration).toBeLessThan(60);
    expect(bucket(fromWorker, 'code_runner_run_duration_seconds_bucket', '+Inf')).toBe(1);
    expect(sampleValue(fromWorker, 'code_runner_admission_wait_seconds_count', { language: 'python' })).toBe(1);
    expect(sampleValue(fromWorker, 'code_runner_admission_wait_seconds_sum', { language: 'python' })).toBeLessThan(
      duration,
    );
    // Nothing is open on this suite's task queue any more.
    expect(sampleValue(fromWorker, 'code_runner_queue_depth', { state: 'queued' })).toBe(0);
    expect(sampleValue(fromWorker, 'code_runner_queue_depth', { state: 'running' })).toBe(0);
    // The Temporal SDK's own metrics, from its exporter, in the same scrape.
    const q = { task_queue: stack.cfg.temporal.taskQueue };
    expect(sampleValue(fromWorker, 'temporal_workflow_completed', { ...q, workflow_type: 'runWorkflow' })).toBe(1);
    expect(sampleValue(fromWorker, 'temporal_worker_start', q)).toBe(1);
  });

  it('logs each request as one JSON line with its run and tenant', async () => {
    const { lines, log } = captureLog('info');
    const app = createApp({
      cfg: stack.cfg,
      runs: stack.runs,
      system: new SystemService(stack.client, stack.kube, stack.cfg),
      log,
    });
    const api = new ApiClient(app);
    const runId = await api.start({ language: 'python', code: 'print(1)', timeout_seconds: 20 });
    await api.waitDone(runId);
    const submit = lines.find((l) => l.method === 'POST');
    expect(submit).toMatchObject({ msg: 'request', path: '/runs', status: 201, run_id: runId, tenant: 'default' });
    expect(submit!.ms).toEqual(expect.any(Number));
    expect(lines.find((l) => l.path === `/runs/${runId}`)).toMatchObject({ method: 'GET', status: 200, run_id: runId });
    expect(lines.every((l) => l.msg === 'request')).toBe(true);
  });

  it('answers /healthz on the worker and 404 elsewhere', async () => {
    const ok = await fetch(`${workerUrl}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok' });
    const other = await fetch(`${workerUrl}/nope`);
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ error: { code: 'route_not_found' } });
  });

  it('counts failed Kubernetes calls by operation and status', async () => {
    const counter = new Counter({
      name: 'k',
      help: 'k',
      labelNames: ['operation', 'code'],
      registers: [new Registry()],
    });
    const kube = countKubeErrors(stack.kube, counter);
    const ns = stack.cfg.runner.namespace;
    await expect(kube.core.readNamespacedConfigMap({ name: 'no-such-config-map', namespace: ns })).rejects.toThrow();
    await kube.core.listNamespacedConfigMap({ namespace: ns, limit: 1 });
    const values = (await counter.get()).values;
    expect(values).toEqual([{ labels: { operation: 'readNamespacedConfigMap', code: '404' }, value: 1 }]);
  });

  it('counts failed Temporal calls by method and status', async () => {
    const counter = new Counter({ name: 't', help: 't', labelNames: ['method', 'code'], registers: [new Registry()] });
    const client = await connectClient(stack.cfg.temporal, { errors: counter });
    try {
      await expect(client.workflow.getHandle('no-such-run-for-metrics').describe()).rejects.toThrow();
      await client.workflow
        .getHandle(stack.cfg.temporal.taskQueue)
        .describe()
        .catch(() => undefined);
    } finally {
      await client.connection.close();
    }
    const values = (await counter.get()).values;
    expect(values).toContainEqual({ labels: { method: 'DescribeWorkflowExecution', code: 'NOT_FOUND' }, value: 2 });
  });
});

const bucket = (samples: Sample[], name: string, le: string) =>
  samples.find((s) => s.name === name && s.labels.le === le)?.value;
