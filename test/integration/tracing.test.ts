import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startTracing, type Tracing } from '../../src/obs/tracing.js';
import { bundlerOptions } from '../../src/worker/worker.js';
import { ApiClient } from '../support/api.js';
import { quietLogger } from '../support/global-setup.js';
import { createStack, eventually, type Stack } from '../support/stack.js';

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
}

/**
 * A STAND-IN OpenTelemetry collector: an OTLP/HTTP receiver (POST /v1/traces, the JSON encoding the
 * exporter sends) that keeps every span it is given. No real collector runs on this machine.
 */
function standInCollector(): { server: Server; spans: ReceivedSpan[] } {
  const spans: ReceivedSpan[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') return res.writeHead(404).end();
      const payload = JSON.parse(body) as {
        resourceSpans: {
          resource: { attributes: { key: string; value: { stringValue?: string } }[] };
          scopeSpans: { spans: Omit<ReceivedSpan, 'service'>[] }[];
        }[];
      };
      for (const rs of payload.resourceSpans) {
        const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
        for (const ss of rs.scopeSpans)
          for (const s of ss.spans)
            spans.push({ traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId, name: s.name, service });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return { server, spans };
}

/** One run's trace, from the API request through the workflow start and the workflow into its activities. */
describe('traces over OTLP', () => {
  const collector = standInCollector();
  let stack: Stack;
  let tracing: Tracing;

  beforeAll(async () => {
    collector.server.listen(0, '127.0.0.1');
    await new Promise((r) => collector.server.once('listening', r));
    const { port } = collector.server.address() as AddressInfo;
    stack = await createStack({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` });
    tracing = startTracing(stack.cfg.obs, 'code-runner-test')!;
    // A worker with traces needs the traced bundle (Temporal's workflow interceptors in it).
    const { code } = await bundleWorkflowCode({ ...bundlerOptions({ traced: true }), logger: quietLogger });
    await stack.startWorker({ code }, { tracing });
  }, 120000);
  afterAll(async () => {
    await stack?.close();
    await tracing?.shutdown();
    collector.server.closeAllConnections();
    collector.server.close();
  });

  it('one trace: API request, StartWorkflow, RunWorkflow and the activities', async () => {
    const api = new ApiClient(stack.app);
    const res = await api.submit({ language: 'python', code: 'print(1)', timeout_seconds: 20 });
    expect(res.status).toBe(201);
    const runId = res.body.run_id as string;
    expect(await api.waitDone(runId)).toMatchObject({ status: 'Succeeded' });

    const names = ['POST /runs', 'StartWorkflow:runWorkflow', 'RunWorkflow:runWorkflow', 'RunActivity:createJob'];
    const trace = await eventually(
      async () => {
        await tracing.processor.forceFlush();
        const root = collector.spans.find((s) => s.name === 'POST /runs');
        const spans = root ? collector.spans.filter((s) => s.traceId === root.traceId) : [];
        return names.every((n) => spans.some((s) => s.name === n)) ? spans : null;
      },
      30000,
      `spans ${names.join(', ')} in one trace`,
    );
    const one = (name: string) => {
      const hits = trace.filter((s) => s.name === name);
      expect(hits).toHaveLength(1);
      return hits[0]!;
    };
    const request = one('POST /runs');
    expect(request.parentSpanId ?? '').toBe('');
    expect(request.service).toBe('code-runner-test');
    // Each step is the child of the one before: request → start → workflow → schedule → activity.
    const start = one('StartWorkflow:runWorkflow');
    expect(start.parentSpanId).toBe(request.spanId);
    const workflow = one('RunWorkflow:runWorkflow');
    expect(workflow.parentSpanId).toBe(start.spanId);
    for (const step of ['createConfigMap', 'createJob', 'fetchLogs', 'cleanUp']) {
      const scheduled = one(`StartActivity:${step}`);
      expect(scheduled.parentSpanId).toBe(workflow.spanId);
      expect(one(`RunActivity:${step}`).parentSpanId).toBe(scheduled.spanId);
    }
    // A poll of the run is a request of its own: its own trace.
    await api.get(runId);
    await tracing.processor.forceFlush();
    const poll = collector.spans.find((s) => s.name === 'GET /runs/:run_id');
    expect(poll).toBeDefined();
    expect(poll!.traceId).not.toBe(request.traceId);
  });
});
