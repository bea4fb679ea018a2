#!/usr/bin/env bash
# Benchmarks: brings up the project's Temporal and cluster (as the tests do) and runs bench/ programs,
# each printing its own figures. Usage: scripts/bench.sh [overhead [iterations] | scale [runs] | overload [cap] | judge [iterations] | judge0 [rounds] | launcher [n] | all]
source "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 1
bash scripts/deps.sh
npm run --silent build
if [ -z "${CODE_RUNNER_EXTERNAL:-}" ]; then
  bash localcluster/cluster.sh up
  bash scripts/temporal.sh up
  export KUBECONFIG="${KUBECONFIG:-$DATA/cluster/admin.kubeconfig}"
fi
NODE="$ROOT/node_modules/.bin/node"
# The worker processes of the scale benchmark take the pre-built workflow bundle (of this build).
"$NODE" dist/src/worker/bundle.js dist/.workflow-bundle.js
which="${1:-all}"
shift || true
case "$which" in
  overhead) exec "$NODE" dist/bench/overhead.js "$@" ;;
  scale)
    KWOK_NODES="${KWOK_NODES:-10}" bash localcluster/cluster.sh kwok
    exec "$NODE" dist/bench/scale.js "$@"
    ;;
  overload) exec "$NODE" dist/bench/overload.js "$@" ;;
  judge) exec "$NODE" dist/bench/judge.js "$@" ;;
  judge0) exec "$NODE" dist/bench/judge0-batch.js "$@" ;;
  launcher)
    # The launcher's own cost per test: 50 tests of /bin/true against 1, minus fork/exec/wait of /bin/true
    # measured in the same loop (launcher/overhead_bench_test.go).
    cd launcher && exec go test -run XXX -bench PerTestOverhead -benchtime "${1:-20}x" .
    ;;
  all)
    "$NODE" dist/bench/overhead.js
    "$NODE" dist/bench/overload.js
    KWOK_NODES="${KWOK_NODES:-10}" bash localcluster/cluster.sh kwok
    "$NODE" dist/bench/scale.js
    ;;
  *) die "unknown benchmark '$which' (overhead | scale | overload | judge | judge0 | launcher | all)" ;;
esac
