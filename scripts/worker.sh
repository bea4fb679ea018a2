#!/usr/bin/env bash
# Starts the worker as it is deployed (the Helm chart sets the same through worker.nodeOptions and its
# MALLOC_* variables), from its bundle (scripts/build-worker.mjs):
# - a 1 MiB young generation and a 192 MiB old generation keep V8 from growing its heap far past the live
#   data. The workflows run on the main thread (src/worker/worker.ts), so this one isolate holds the
#   activities and ~1,000 cached workflows, and activities may hold up to LOG_LIMIT_BYTES of output each:
#   a 128 MiB old space would leave too little headroom;
# - two malloc arenas instead of one per thread stop the native threads (Temporal core, libuv) from each
#   holding freed memory;
# - a fixed mmap threshold (glibc's initial 128 KiB): by default glibc raises it to the size of the largest
#   block freed so far, after which large short-lived buffers are carved out of the arenas and leave holes
#   there that stay resident. At ~1,000 open runs (bench/scale.ts) 59 of the arenas' 95 MB were such free
#   holes; with the threshold fixed, 14 of 43 MB, and the worker's peak RSS fell from 259-274 to 224-247 MiB,
#   for ~0.02 CPU-s more per run (mmap/munmap of those buffers); seventh round, without the activation
#   limit's threads: 186-223 against 222-261 MiB, for 0.014 CPU-s per run. MALLOC_MMAP_THRESHOLD_= in the
#   environment (empty) gives glibc its dynamic threshold back.
# Usage: scripts/worker.sh [extra node flags...]   (later flags win; NODE picks the node binary)
# Used by `make run` (scripts/up.sh), `npm run worker`, the tests' worker processes and the benchmarks.
source "$(dirname "$0")/lib.sh"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_-131072}"
[ -n "$MALLOC_MMAP_THRESHOLD_" ] || unset MALLOC_MMAP_THRESHOLD_ # never 0 (that would mmap every block)
exec "${NODE:-$ROOT/node_modules/.bin/node}" --max-semi-space-size=1 --max-old-space-size=192 "$@" \
  "$ROOT/dist/src/worker/main.bundle.js"
