import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { bundleWorkflowCode } from '@temporalio/worker';
import { quietLogger } from '../support/global-setup.js';
import { createStack, eventually, type Stack } from '../support/stack.js';

const require = createRequire(import.meta.url);

const LIMIT_MS = 5000;

/**
 * The run worker (workflows on its main thread) with an activation limit set: a workflow stuck in a loop
 * fails its workflow task at the limit instead of hanging the worker, and other workflows still run;
 * the SDK's workflow stack traces are off unless asked for (src/worker/stack-traces.ts).
 */
describe('worker', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await createStack({ WORKER_ACTIVATION_LIMIT_MS: String(LIMIT_MS) });
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('../fixtures/spin-workflows.js'),
      logger: quietLogger,
    });
    await stack.startWorker({ code });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('workflow stack traces are off by default: the __stack_trace query says so', async () => {
    expect(stack.cfg.worker.workflowStackTraces).toBe(false);
    const taskQueue = stack.cfg.temporal.taskQueue;
    const waiting = await stack.client.workflow.start('waitWorkflow', {
      taskQueue,
      workflowId: `wait-${randomUUID()}`,
    });
    try {
      // The query is answered by the worker (so the workflow runs there), and refused for want of the hook.
      await expect(waiting.query('__stack_trace')).rejects.toThrow(/stack traces are not enabled on this worker/);
      expect((await waiting.describe()).status.name).toBe('RUNNING');
    } finally {
      await waiting.terminate('test done').catch(() => undefined);
    }
  });

  it(`a workflow that never yields fails its task after WORKER_ACTIVATION_LIMIT_MS=${LIMIT_MS}; the worker keeps serving`, async () => {
    const taskQueue = stack.cfg.temporal.taskQueue;
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
    }
  });
});
