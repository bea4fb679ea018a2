import vm from 'node:vm';

/**
 * The SDK's activation time limit (`isolateExecutionTimeout`) is the `vm` module's `timeout` on every call
 * into the workflow context: 3-5 calls per activation (activate, unblock conditions, conclude) plus two
 * per query. For each such call Node starts a watchdog thread and joins it when the call returns. On this
 * machine (context switches are expensive under its hypervisor) that was 28% of the worker's CPU
 * (docs/benchmarks.md, seventh round).
 *
 * What the limit buys is small here: only our own workflow code runs in the worker (user code runs in
 * the sandbox Jobs), and with workflows on the main thread a looping activation stops the whole worker
 * for the length of the limit at every retry of its task anyway. So the worker runs without it unless
 * WORKER_ACTIVATION_LIMIT_MS is set.
 *
 * The SDK has no "no limit" option: its debug mode passes the largest timeout Node accepts (2^32-1 ms,
 * 49.7 days), which still starts a thread per call. `dropUnboundedTimeouts` makes exactly that value mean
 * no timeout at all; any other timeout is left alone. Process-wide and idempotent.
 * test/unit/activation-limit.test.ts counts the threads.
 */
export const UNBOUNDED_MS = 4294967295;

type RunInContext = typeof vm.Script.prototype.runInContext;
let original: RunInContext | undefined;

export function dropUnboundedTimeouts(): void {
  if (original) return;
  const run = (original = vm.Script.prototype.runInContext);
  vm.Script.prototype.runInContext = function (this: vm.Script, context, options) {
    if (options?.timeout !== UNBOUNDED_MS) return run.call(this, context, options);
    return run.call(this, context, { ...options, timeout: undefined });
  } as RunInContext;
}
