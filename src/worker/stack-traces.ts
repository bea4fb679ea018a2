import { globalHandlers } from '@temporalio/worker/lib/workflow/vm-shared.js';

/**
 * The SDK's workflow stack traces (the `__stack_trace` query behind the Temporal UI's "Stack Trace" tab)
 * come from a V8 promise hook that, for every promise a workflow creates, captures a stack, maps each
 * frame through the workflow bundle's source map and keeps the result while the promise is pending.
 * With the workflows on the worker's main thread the hook also runs for every promise of the activities:
 * a quarter of the worker's CPU and a third of its heap (docs/benchmarks.md, sixth round). Our workflows
 * wait in one place each (admission, a timer, clean-up), which the UI shows in their history anyway, so the
 * worker runs without it unless WORKER_WORKFLOW_STACK_TRACES=true.
 *
 * Without the hook the SDK answers the query with "Workflow stack traces are not enabled on this
 * worker", as it does on runtimes without promise hooks. The SDK offers no option for this: the hook's
 * installer is replaced before the first workflow is created (it installs once per process), or the
 * hook is stopped if it is in already. test/integration/worker.test.ts fails if an SDK upgrade changes
 * these internals.
 */
export function disableWorkflowStackTraces(): void {
  const handlers = globalHandlers as unknown as {
    promiseHookInstalled: boolean;
    setPromiseHook: () => void;
    stopPromiseHook: () => void;
  };
  handlers.setPromiseHook = () => undefined;
  if (handlers.promiseHookInstalled) {
    handlers.stopPromiseHook();
    handlers.promiseHookInstalled = false;
  }
}
