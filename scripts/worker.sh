#!/usr/bin/env bash
# Starts the worker as it is deployed (the Helm chart sets the same through worker.nodeOptions and
# MALLOC_ARENA_MAX): a 1 MiB young generation and a 192 MiB old generation keep V8 from growing its heap
# far past the live data, and two malloc arenas instead of one per thread stop the native threads
# (Temporal core, libuv) from each holding freed memory. The workflows run on the main thread
# (src/worker/worker.ts), so this one isolate holds the activities and ~1,000 cached workflows: its live
# heap peaks at 116 MiB in bench/scale.ts (the heap itself at 119-172 MiB, peak RSS 298-371 MiB), so a
# 128 MiB old space would leave no headroom.
# Usage: scripts/worker.sh [extra node flags...]   (later flags win; NODE picks the node binary)
# Used by `make run` (scripts/up.sh), `npm run worker`, the tests' worker processes and the benchmarks.
source "$(dirname "$0")/lib.sh"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec "${NODE:-$ROOT/node_modules/.bin/node}" --max-semi-space-size=1 --max-old-space-size=192 "$@" \
  "$ROOT/dist/src/worker/main.js"
