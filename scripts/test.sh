#!/usr/bin/env bash
# The test command: installs dependencies, builds, brings up the project's own Temporal and Kubernetes
# (unless TEMPORAL_ADDRESS / KUBECONFIG point elsewhere), runs every jest suite against them, and prints
# "N passed, N failed" computed from jest's own JSON results.
# Usage: scripts/test.sh [jest args...]   (e.g. scripts/test.sh dist/test/unit)
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

bash scripts/deps.sh
# Browser tests drive Debian's chromium through playwright-core (no browser download).
if [ ! -x /usr/bin/chromium ]; then
  log "apt: installing chromium for the browser tests (log: $DATA/apt-chromium.log)"
  mkdir -p "$DATA"
  run_logged "apt-get install chromium" "$DATA/apt-chromium.log" \
    bash -c 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium'
fi
npm run --silent build
# test/integration/helm.test.ts renders the chart with the pinned helm (built once, cached)
[ -x "$HELM_BIN/helm" ] || bash scripts/build-go-tools.sh helm
# test/integration/deploy.test.ts runs KEDA's operator and adapter (built once, ~15 minutes, cached)
bash scripts/build-go-tools.sh keda
# test/integration/kueue.test.ts runs Kueue's controller manager (built once, ~7 minutes, cached)
bash scripts/build-go-tools.sh kueue

if [ -z "${CODE_RUNNER_EXTERNAL:-}" ]; then
  bash localcluster/cluster.sh up
  bash scripts/temporal.sh up
  export KUBECONFIG="${KUBECONFIG:-$DATA/cluster/admin.kubeconfig}"
  # Every language image, imported before any test runs (seconds when all are cached and present; on a
  # fresh machine the builds take minutes), and the image catalog published.
  log "images: scripts/images.sh import (all; log: $DATA/logs/images-test.log)"
  mkdir -p "$DATA/logs"
  CONTAINERD_ADDRESS="${CONTAINERD_ADDRESS:-/run/code-runner/containerd/containerd.sock}" \
    run_logged "scripts/images.sh import" "$DATA/logs/images-test.log" bash scripts/images.sh import
fi

mkdir -p artifacts
results=artifacts/jest-results.json
rm -f "$results"
set +e
./node_modules/.bin/node --experimental-vm-modules --no-warnings=ExperimentalWarning \
  node_modules/jest/bin/jest.js --runInBand --json --outputFile="$results" "$@"
code=$?
set -e
if [ ! -s "$results" ]; then
  echo "jest wrote no results (exit $code)"
  echo "0 passed, 1 failed"
  exit 1
fi
summary=$(./node_modules/.bin/node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const failedSuites = r.testResults.filter((s) => s.status === "failed" && s.assertionResults.length === 0).length;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests + failedSuites} failed`);
  process.exit(r.numTotalTests === 0 ? 3 : 0);
' "$results") || { echo "$summary"; echo "no test ran"; exit 1; }
echo "$summary"
exit "$code"
