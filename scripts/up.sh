#!/usr/bin/env bash
# The "run it" command: brings up everything on this machine and serves the API.
#  - Temporal: the project's own dev server (SQLite, Web UI) unless TEMPORAL_ADDRESS points at yours.
#  - Kubernetes: the project's own single-node cluster unless KUBECONFIG points at yours.
#  - Then the worker and the API, in the foreground; Ctrl-C stops both (the cluster and Temporal stay up:
#    `make down` stops them).
source "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 1

# start_background_images: one background process (its own session, so Ctrl-C here does not stop it)
# builds and imports every image: the core ones are present, so it first publishes their catalog entries
# (ConfigMap code-runner/code-runner-images), then each other image's as it lands. None is started while
# one still runs (a second `make run`).
start_background_images() {
  local dir="$CACHE/images" pid
  local logf="$dir/logs/background.log" pidf="$dir/background.pid"
  mkdir -p "$dir/logs"
  pid=$(cat "$pidf" 2>/dev/null || true)
  if [ -n "$pid" ] && ps -p "$pid" -o args= 2>/dev/null | grep -q 'images.sh import'; then
    log "images: the background build (pid $pid) is still running; log: $logf"
    return 0
  fi
  echo "== $(date -u +%Y-%m-%dT%H:%M:%SZ) scripts/images.sh import (started by scripts/up.sh)" >>"$logf"
  CONTAINERD_ADDRESS="${CONTAINERD_ADDRESS:-/run/code-runner/containerd/containerd.sock}" \
    nohup setsid bash scripts/images.sh import >>"$logf" 2>&1 </dev/null &
  echo $! >"$pidf"
  log "images: building and importing the other language images in the background (pid $!; log: $logf)"
}

bash scripts/deps.sh
npm run --silent build

if [ -z "${KUBECONFIG:-}" ]; then
  # The core images (pause, launcher, python, node, gcc, java) are imported before the service starts;
  # every other language image lands later, from the background build below.
  CLUSTER_IMAGES="${CLUSTER_IMAGES:-core}" bash localcluster/cluster.sh up
  export KUBECONFIG="$DATA/cluster/admin.kubeconfig"
  start_background_images
else
  log "kubernetes: using KUBECONFIG=$KUBECONFIG"
fi
if [ -z "${TEMPORAL_ADDRESS:-}" ]; then
  bash scripts/temporal.sh up
  export TEMPORAL_ADDRESS="127.0.0.1:${TEMPORAL_PORT:-7233}"
  export TEMPORAL_UI_URL="${TEMPORAL_UI_URL:-http://localhost:${TEMPORAL_UI_PORT:-8233}}"
else
  log "temporal: using TEMPORAL_ADDRESS=$TEMPORAL_ADDRESS"
fi

mkdir -p "$DATA/logs"
# With traces on, the bundle carries Temporal's OpenTelemetry workflow interceptors.
"$ROOT/node_modules/.bin/node" dist/src/worker/bundle.js dist/workflow-bundle.js ${OTEL_EXPORTER_OTLP_ENDPOINT:+--traced}
export WORKFLOW_BUNDLE_PATH="$ROOT/dist/workflow-bundle.js"
ui_url="${TEMPORAL_UI_URL:-your Temporal Web UI}"
pids=()
stop() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

NODE="$ROOT/node_modules/.bin/node"
# The worker with the heap limits and malloc arenas it is deployed with (scripts/worker.sh says why).
bash scripts/worker.sh > >(tee -a "$DATA/logs/worker.log") 2>&1 &
pids+=($!)
"$NODE" dist/src/api/main.js > >(tee -a "$DATA/logs/api.log") 2>&1 &
pids+=($!)

port="${PORT:-8080}"
for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; then break; fi
  sleep 0.5
done
cat <<MSG

  Code Runner is up.
    API + UI          http://localhost:$port        (try: curl -s localhost:$port/runs -H 'content-type: application/json' -d '{"language":"python","code":"print(42)"}')
    Temporal Web UI   $ui_url
    kubeconfig        $KUBECONFIG
    metrics           http://localhost:$port/metrics (API), http://localhost:${METRICS_PORT:-9464}/metrics (worker)
    logs              $DATA/logs/ (JSON lines)
  Ctrl-C stops the API and the worker; 'make down' stops the cluster and Temporal.

MSG
wait -n "${pids[@]}"
