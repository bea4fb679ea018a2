#!/usr/bin/env bash
# KEDA, live: runs KEDA's operator and metrics adapter (built from source, scripts/build-go-tools.sh keda)
# as processes against the local cluster, installs the Helm chart with keda.enabled=true and a cap of 2
# runs, submits 16 long runs, and checks that KEDA scales the worker Deployment on the true queue (open
# runs from GET /system/queue) while the task-queue backlog stays 0, that runner pods never exceed the cap,
# and that the workers scale back once the runs are gone. Prints one line per check and ends
# "N passed, N failed" (exit 1 on any failure). Removes everything afterwards unless KEEP=1.
#
#   bash scripts/keda-smoke.sh
#
# Needs: the local cluster up (localcluster/cluster.sh up), Temporal up (scripts/temporal.sh up), npm run build.
source "$(dirname "${BASH_SOURCE[0]}")/smoke-lib.sh"
RELEASE=kedasmoke
NS=code-runner-kedasmoke
RUNS_NS=code-runner-kedasmoke-runs
WORKER="$RELEASE-code-runner-worker"
HPA="keda-hpa-$WORKER"
KDIR="$DATA/keda"
CAP=2 RUNS=16 PER_REPLICA=4 MAX_REPLICAS=4
ADAPTER_PORT="${KEDA_ADAPTER_PORT:-16443}" GRPC_PORT="${KEDA_GRPC_PORT:-19666}"

# wait_for SECONDS CMD...: true once CMD succeeds, false after SECONDS
wait_for() {
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do [ $SECONDS -lt $deadline ] || return 1; sleep 2; done
}

bash "$ROOT/scripts/build-go-tools.sh" keda
ensure_app_image
PIDS=()
cleanup() {
  stop_temporal_forward
  [ "${KEEP:-0}" = 1 ] && return
  # An aggregated API without its server blocks namespace deletion and discovery: remove it first.
  k delete apiservice v1beta1.external.metrics.k8s.io --ignore-not-found >/dev/null 2>&1 || true
  remove_release "$RELEASE" "$NS" "$RUNS_NS" "$NS"
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
}
trap cleanup EXIT

# ---- KEDA as processes: certificates for its gRPC link, CRDs, the external metrics APIService ----
# ca.crt, tls.crt, tls.key: the cluster scripts' own CA and issuer, in KEDA's directory (made once; the
# leaf is re-issued when its SANs, e.g. the node IP, change). Both ends of the gRPC link present tls.crt.
mkdir -p "$KDIR/certs"
( source "$ROOT/localcluster/lib/pki.sh"
  CL_PKI="$KDIR/certs"
  make_ca ca keda-local-ca
  issue tls /CN=keda-operator both "DNS:keda-operator,DNS:keda-operator.keda.svc,IP:127.0.0.1,IP:$NODE_IP" )
k apply --server-side -f "$KEDA_DIR/crds/" >/dev/null
k create namespace keda --dry-run=client -o yaml | k apply -f - >/dev/null 2>&1
k apply -f - >/dev/null 2>&1 <<EOF
apiVersion: v1
kind: Service
metadata: { name: keda-metrics-apiserver, namespace: keda }
spec:
  ports: [{ name: https, port: 443, targetPort: $ADAPTER_PORT, protocol: TCP }]
---
apiVersion: v1
kind: Endpoints
metadata: { name: keda-metrics-apiserver, namespace: keda }
subsets: [{ addresses: [{ ip: $NODE_IP }], ports: [{ name: https, port: $ADAPTER_PORT, protocol: TCP }] }]
EOF
export WATCH_NAMESPACE="" KEDA_CLUSTER_OBJECT_NAMESPACE=keda POD_NAMESPACE=keda
"$KEDA_BIN/keda-operator" --kubeconfig="$KUBECONFIG" --leader-elect=false --cert-dir="$KDIR/certs" \
  --enable-cert-rotation=false --enable-webhook-patching=false --enable-apiservice-patching=false \
  --metrics-bind-address=127.0.0.1:0 --health-probe-bind-address=127.0.0.1:0 \
  --metrics-service-bind-address="127.0.0.1:$GRPC_PORT" >"$KDIR/operator.log" 2>&1 </dev/null &
PIDS+=($!)
"$KEDA_BIN/keda-adapter" --kubeconfig="$KUBECONFIG" --authentication-kubeconfig="$KUBECONFIG" \
  --authorization-kubeconfig="$KUBECONFIG" --lister-kubeconfig="$KUBECONFIG" --cert-dir="$KDIR/certs" \
  --tls-cert-file="$KDIR/certs/tls.crt" --tls-private-key-file="$KDIR/certs/tls.key" \
  --bind-address="$NODE_IP" --secure-port="$ADAPTER_PORT" --port=0 \
  --metrics-service-address="127.0.0.1:$GRPC_PORT" --metrics-service-grpc-authority=keda-operator \
  >"$KDIR/adapter.log" 2>&1 </dev/null &
PIDS+=($!)
log "keda-smoke: KEDA $KEDA_VERSION operator and adapter started (logs in $KDIR)"
# The APIService only once the Service's ClusterIP reaches the adapter. The API server keeps the
# connection of its first availability check; if that check runs before kube-proxy has programmed the
# new Service, the connection leaves by the default route, and on this VM the egress proxy answers it
# (404 for any path), so every later check got 404 too ("FailedDiscoveryCheck" on a fresh cluster).
svc_ip=$(k -n keda get svc keda-metrics-apiserver -o jsonpath='{.spec.clusterIP}')
adapter_via_service() { [ "$(curl -sk --max-time 3 "https://$svc_ip/healthz")" = ok ]; }
wait_for 60 adapter_via_service || die "the adapter is not reachable through its Service ($svc_ip:443)"
k apply -f - >/dev/null <<EOF
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: { name: v1beta1.external.metrics.k8s.io }
spec:
  group: external.metrics.k8s.io
  version: v1beta1
  groupPriorityMinimum: 100
  versionPriority: 100
  insecureSkipTLSVerify: true
  service: { name: keda-metrics-apiserver, namespace: keda, port: 443 }
EOF
wait_for 60 k get --raw /apis/external.metrics.k8s.io/v1beta1 ||
  die "the external metrics API did not come up; see $KDIR/adapter.log (last line: $(tail -n 1 "$KDIR/adapter.log"))"

# ---- Temporal at the node IP (worker pods, KEDA's temporal scaler); the chart, then KEDA on it (its
# metrics-api URL is the API's ClusterIP: there is no cluster DNS here) ----
forward_temporal
wait_namespaces_gone "$NS" "$RUNS_NS"
common=(--set image.pullPolicy=Never --set "image.tag=$APP_TAG" --set "temporal.address=$NODE_IP:7233" --set "temporal.taskQueue=$NS"
  --set "runnerNamespace.name=$RUNS_NS" --set api.replicas=1 --set api.resources.requests.cpu=50m
  --set worker.resources.requests.cpu=50m --set "admission.maxActiveRuns=$CAP"
  --set apiKeys.enabled=false) # scaling only: keys are helm-smoke.sh's part
"$HELM" upgrade --install "$RELEASE" "$ROOT/infra/helm/code-runner" -n "$NS" --create-namespace "${common[@]}" \
  --wait --timeout 240s >/dev/null || die "helm install failed"
ip=$(k -n "$NS" get svc "$RELEASE-code-runner-api" -o jsonpath='{.spec.clusterIP}')
"$HELM" upgrade "$RELEASE" "$ROOT/infra/helm/code-runner" -n "$NS" "${common[@]}" --set keda.enabled=true \
  --set "keda.openRunsUrl=http://$ip/system/queue" --set "keda.openRunsPerReplica=$PER_REPLICA" \
  --set keda.pollingInterval=5 --set "keda.maxReplicaCount=$MAX_REPLICAS" \
  --set keda.scaleDownStabilizationSeconds=10 --wait --timeout 120s >/dev/null || die "helm upgrade (keda) failed"

so_ready() { [ "$(k -n "$NS" get scaledobject "$WORKER" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]; }
check "ScaledObject $WORKER is Ready (both triggers: temporal, metrics-api)" wait_for 60 so_ready

# ---- 16 runs of 40 s against a cap of 2: 14 wait in the admission workflow, not in the task queue ----
ids=()
for _ in $(seq 1 $RUNS); do
  id=$(curl -sS --max-time 10 "http://$ip/runs" -H 'content-type: application/json' \
    -d '{"language":"python","code":"import time\ntime.sleep(40)","timeout_seconds":60}' | jq -r .run_id)
  ids+=("$id")
done
# The counts come from Temporal's visibility store, which trails the starts by a moment: read until they
# show every run (seen once in CI reading it right after the last submission).
all_open() {
  queue=$(curl -sS --max-time 10 "http://$ip/system/queue") && jq -e ".open_runs == $RUNS" <<<"$queue"
}
check "all $RUNS runs accepted and open (queued + active)" wait_for 20 all_open
echo "GET /system/queue -> $(jq -c '{queue_depth, active_runs, max_active_runs, open_runs}' <<<"$queue")"

replicas() { k -n "$NS" get deploy "$WORKER" -o jsonpath='{.status.readyReplicas}'; }
peak_pods=0 scaled_at=""
t0=$SECONDS
while [ $((SECONDS - t0)) -lt 120 ]; do
  n=$(k -n "$RUNS_NS" get pods --no-headers 2>/dev/null | grep -vc Terminating || true)
  [ "$n" -gt "$peak_pods" ] && peak_pods=$n
  if [ "$(replicas)" = "$MAX_REPLICAS" ]; then scaled_at=$((SECONDS - t0)); break; fi
  sleep 2
done
metrics=$(k -n "$NS" get hpa "$HPA" -o json | jq -c '[.status.currentMetrics[].external | {metric: .metric.name, average: .current.averageValue}]')
echo "HPA $HPA: $metrics; ready workers $(replicas) after ${scaled_at:-?}s; peak runner pods $peak_pods"
check "KEDA scaled the worker 1 -> $MAX_REPLICAS on open runs ($RUNS / $PER_REPLICA per replica)" test -n "$scaled_at"
check "the task-queue backlog (temporal trigger) stayed 0: the queue is the admission workflow" \
  jq -e '[.[] | select(.metric | test("temporal")) | .average] == ["0"]' <<<"$metrics"
check "runner pods never exceeded the cap of $CAP" test "$peak_pods" -le "$CAP"

# ---- the runs go (cancelled), and so do the extra workers ----
for id in "${ids[@]}"; do curl -sS -o /dev/null --max-time 10 -X DELETE "http://$ip/runs/$id"; done
open_zero() { [ "$(curl -sS --max-time 5 "http://$ip/system/queue" | jq .open_runs)" = 0 ]; }
check "after cancelling, no run is open" wait_for 60 open_zero
one_left() { [ "$(replicas)" = 1 ]; }
t1=$SECONDS
check "KEDA scaled the worker back to 1 (scale-down window 10 s)" wait_for 120 one_left
echo "scaled back to $(replicas) worker(s) $((SECONDS - t1))s after the queue emptied"

summary
