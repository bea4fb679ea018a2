#!/usr/bin/env bash
# Benchmarks: brings up the project's Temporal and cluster (as the tests do) and runs bench/ programs,
# each printing its own figures. Usage: scripts/bench.sh [overhead] [iterations]
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
bash scripts/deps.sh
npm run --silent build
if [ -z "${CODE_RUNNER_EXTERNAL:-}" ]; then
  bash scripts/cluster.sh up
  bash scripts/temporal.sh up
  export KUBECONFIG="${KUBECONFIG:-$DATA/cluster/admin.kubeconfig}"
fi
which="${1:-overhead}"
shift || true
case "$which" in
  overhead) exec ./node_modules/.bin/node dist/bench/overhead.js "$@" ;;
  *) die "unknown benchmark '$which' (overhead)" ;;
esac
