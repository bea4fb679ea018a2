import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { loadConfig } from '../../src/config/config.js';
import type { RunInput, RunResult } from '../../src/domain/run.js';
import { connectClient } from '../../src/temporal/connection.js';
import { RUN_WORKFLOW_TYPE } from '../../src/workflows/definitions.js';
import type { RunWorkflowArgs } from '../../src/workflows/run.js';
import { BUNDLE_PATH } from './paths.js';
import { WorkerMetrics } from '../../src/obs/worker-metrics.js';
import { testEnv } from './stack.js';

/**
 * The real run workflow on the real Temporal dev server with STAND-IN activities, for the suites that test
 * the workflow's own logic (Temporal's time-skipping test server is a download this machine cannot make).
 * Call inside a `describe`: it connects before the suite and closes after it.
 */
export function standInWorkflows() {
  const cfg = loadConfig(testEnv());
  let client: Client | undefined;
  let connection: NativeConnection | undefined;
  beforeAll(async () => {
    client = await connectClient(cfg.temporal);
    connection = await NativeConnection.connect({ address: cfg.temporal.address });
  });
  afterAll(async () => {
    await client?.connection.close();
    await connection?.close();
  });
  const temporal = () => client!;

  return {
    client: temporal,
    /** Polls every 50–200 ms (time passes for real here), 30 s to start. */
    policy: { poll: { initialMs: 50, maxMs: 200, factor: 1.5, fallbackMs: 200 }, startTimeoutSeconds: 30 },
    /** A stand-in run's input: a tiny python run whose image nothing ever pulls. */
    input: (over: Partial<RunInput> = {}): RunInput => ({
      runId: randomUUID(),
      language: 'python',
      code: 'print(1)',
      stdin: '',
      timeoutSeconds: 5,
      sandbox: { image: 'stand-in', fileName: 'main.py', command: ['python3', 'main.py'] },
      createdAt: new Date().toISOString(),
      ...over,
    }),
    /** Runs one workflow on a worker of its own with these activities; `during` acts on it while it runs. */
    async run(
      activities: object,
      a: RunWorkflowArgs,
      during?: (h: WorkflowHandle) => Promise<void>,
    ): Promise<RunResult> {
      const taskQueue = `wf-test-${randomUUID().slice(0, 8)}`;
      const worker = await Worker.create({
        connection: connection!,
        taskQueue,
        workflowBundle: { codePath: BUNDLE_PATH },
        activities,
        // The run workflow reports to metric sinks; here they land in metrics nobody reads.
        sinks: new WorkerMetrics().sinks(),
      });
      return worker.runUntil(async () => {
        const h = await temporal().workflow.start(RUN_WORKFLOW_TYPE, {
          taskQueue,
          workflowId: a.input.runId,
          args: [a],
        });
        if (during) await during(h);
        return (await h.result()) as RunResult;
      });
    },
  };
}
