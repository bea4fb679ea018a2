import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { bundleWorkflowCode, type Worker } from '@temporalio/worker';
import { activityDeps } from '../../src/activities/index.js';
import { connectWorkerConnection } from '../../src/temporal/connection.js';
import { createRunWorker, WORKFLOW_ACTIVATION_LIMIT } from '../../src/worker/worker.js';
import { createStack, eventually, type Stack } from '../support/stack.js';

const require = createRequire(import.meta.url);
const noop = () => undefined;
const quiet = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: console.error };

/**
 * The run worker as configured (workflows on its main thread): a workflow stuck in a loop fails its
 * workflow task at the activation limit instead of hanging the worker, and other workflows still run.
 */
describe('worker', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await createStack();
  });
  afterAll(async () => {
    await stack.close();
  });

  it(`a workflow that never yields fails its task after ${WORKFLOW_ACTIVATION_LIMIT}; the worker keeps serving`, async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('../fixtures/spin-workflows.js'),
      logger: quiet,
    });
    const connection = await connectWorkerConnection(stack.cfg.temporal);
    const deps = activityDeps(stack.cfg, stack.kube);
    const taskQueue = `spin-${randomUUID().slice(0, 8)}`;
    const worker: Worker = await createRunWorker({
      connection,
      namespace: stack.cfg.temporal.namespace,
      taskQueue,
      concurrency: 4,
      maxCachedWorkflows: 10,
      workflowBundle: { code },
      deps,
    });
    const running = worker.run();
    const client = stack.client.workflow;
    const spin = await client.start('spinWorkflow', { taskQueue, workflowId: `spin-${randomUUID()}` });
    try {
      const failure = await eventually(
        async () => {
          const { events } = await spin.fetchHistory();
          return events?.find((e) => e.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes;
        },
        60000,
        'a WorkflowTaskFailed event',
      );
      // "Script execution timed out after 5000ms" (the vm timeout; a worker thread reports it as a deadlock)
      expect(failure.failure?.message).toMatch(/timed out after 5000ms|deadlock/i);
      expect((await spin.describe()).status.name).toBe('RUNNING');
      const pong = await client.execute('pingWorkflow', {
        taskQueue,
        workflowId: `ping-${randomUUID()}`,
        workflowExecutionTimeout: '60s',
      });
      expect(pong).toBe('pong');
    } finally {
      await spin.terminate('test done').catch(() => undefined);
      worker.shutdown();
      await running;
      await deps.watch.stop();
      await connection.close();
    }
  });
});
