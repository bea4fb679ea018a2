#!/usr/bin/env bash
# Starts the worker as it is deployed (the Helm chart sets the same through worker.nodeOptions and
# MALLOC_ARENA_MAX): a 1 MiB young generation and a 128 MiB old generation per isolate (main thread,
# workflow thread) keep V8 from growing its heaps far past the live data, and two malloc arenas instead of
# one per thread stop the native threads (Temporal core, libuv) from each holding freed memory. Measured
# with bench/scale.ts: peak RSS at ~1,000 open runs 496 -> 406 MiB for about 10% more worker CPU. An old
# space of 96 MiB gave 333 MiB, but the workflow isolate's live heap reaches 94 MiB with 1,000 cached
# workflows: too tight.
# Usage: scripts/worker.sh [extra node flags...]   (later flags win; NODE picks the node binary)
# Used by `make run` (scripts/up.sh), `npm run worker`, the tests' worker processes and the benchmarks.
source "$(dirname "$0")/lib.sh"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec "${NODE:-$ROOT/node_modules/.bin/node}" --max-semi-space-size=1 --max-old-space-size=128 "$@" \
  "$ROOT/dist/src/worker/main.js"
