/**
 * How the worker process is started, measured with bench/scale.ts (README "Benchmarks"): a 1 MiB young
 * generation and a 128 MiB old generation per isolate (main thread, workflow thread) keep V8 from growing
 * its heaps far past the live data, and two malloc arenas instead of one per thread stop the native
 * threads (Temporal core, libuv) from each holding freed memory. Together: peak RSS at ~1,000 open runs
 * 496 -> 406 MiB for about 10% more worker CPU (an old space of 96 MiB gave 333 MiB, but the workflow
 * isolate's live heap reaches 94 MiB with 1,000 cached workflows: too tight). The same values are in the Helm chart (worker.nodeOptions,
 * MALLOC_ARENA_MAX), scripts/up.sh, package.json and the Dockerfile; tests and benchmarks import these.
 */
export const WORKER_NODE_FLAGS = ['--max-semi-space-size=1', '--max-old-space-size=128'];
export const WORKER_ENV = { MALLOC_ARENA_MAX: '2' };
