#!/usr/bin/env bash
# Installs the Helm chart into the local cluster with the locally built app image, runs code through the
# in-cluster API, and checks the worker's RBAC with `kubectl auth can-i`. Prints one line per check and
# ends "N passed, N failed" (exit 1 on any failure). Uninstalls afterwards unless KEEP=1.
#
#   bash scripts/helm-smoke.sh
#
# Needs: the local cluster up (localcluster/cluster.sh up), Temporal up (scripts/temporal.sh up), npm run build.
# Temporal must be reachable from pods at the node IP: if it listens on 127.0.0.1 only, a socat
# forwarder NODE_IP:7233 -> 127.0.0.1:7233 runs for the duration of the script.
source "$(dirname "${BASH_SOURCE[0]}")/smoke-lib.sh"
RELEASE=smoke
NS=code-runner-smoke
RUNS_NS=code-runner-smoke-runs
SA="system:serviceaccount:$NS:$RELEASE-code-runner-worker"
API_SA="system:serviceaccount:$NS:$RELEASE-code-runner-api"

ensure_app_image
cleanup() {
  stop_temporal_forward
  [ "${KEEP:-0}" = 1 ] || remove_release "$RELEASE" "$NS" "$RUNS_NS" code-runner-smoke
}
trap cleanup EXIT
forward_temporal
wait_namespaces_gone "$NS" "$RUNS_NS"
log "helm-smoke: helm install $RELEASE into $NS (runs in $RUNS_NS)"
t0=$SECONDS
if ! "$HELM" upgrade --install "$RELEASE" "$ROOT/infra/helm/code-runner" -n "$NS" --create-namespace \
  --set image.pullPolicy=Never --set "image.tag=$APP_TAG" --set "temporal.address=$NODE_IP:7233" --set temporal.taskQueue=code-runner-smoke \
  --set "runnerNamespace.name=$RUNS_NS" --set api.replicas=1 \
  --set api.resources.requests.cpu=50m --set worker.resources.requests.cpu=50m \
  --wait --timeout 240s; then
  k -n "$NS" get pods -o wide
  k -n "$NS" logs deploy/$RELEASE-code-runner-worker --tail=20 || true
  die "helm install failed"
fi
echo "installed in $((SECONDS - t0))s"
k -n "$NS" get deploy,svc,pods -o wide
k -n "$RUNS_NS" get networkpolicy,resourcequota,limitrange

# a run through the in-cluster API (its ClusterIP, routed by kube-proxy from the host), with an API key
# made by the CLI in the chart's keys Secret (keys are on by default)
ip=$(k -n "$NS" get svc "$RELEASE-code-runner-api" -o jsonpath='{.spec.clusterIP}')
KEYS_SECRET="$RELEASE-code-runner-api-keys"
key=$("$ROOT/node_modules/.bin/node" "$ROOT/dist/src/cli/keys.js" create --tenant smoke --scopes submit,read,admin \
  --namespace "$NS" --secret "$KEYS_SECRET" 2>/dev/null) || die "keys create failed"
auth=(-H "Authorization: Bearer $key")
unauth=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 "http://$ip/runs")
check "a request without an API key is refused (401)" test "$unauth" = 401
# the API follows the Secret by a watch: the new key works within seconds
for _ in $(seq 20); do
  [ "$(curl -sS -o /dev/null -w '%{http_code}' --max-time 5 "${auth[@]}" "http://$ip/runs?limit=1")" = 200 ] && break
  sleep 0.5
done
out=$(curl -sS --max-time 90 "${auth[@]}" "http://$ip/runs/sync" -H 'content-type: application/json' \
  -d '{"language":"python","code":"import os\nprint(6*7, os.getuid())","timeout_seconds":20}')
echo "POST http://$ip/runs/sync -> $out"
# the program runs as the run's own uid (200000-999999)
check "run through the in-cluster API succeeded with the program's output" \
  jq -e '.status == "Succeeded" and (.logs | test("^42 [2-9][0-9]{5}\n$"))' <<<"$out"
check "the run's pod ran in the runner namespace's Job pod run-<id>" \
  jq -e '(.pod_name | startswith("run-")) and (.node_name | length > 0)' <<<"$out"
net=$(curl -sS --max-time 90 "${auth[@]}" "http://$ip/runs/sync" -H 'content-type: application/json' -d '{"language":"python","code":"import socket\ns = socket.socket(); s.settimeout(2)\ntry:\n    s.connect((\"10.96.0.1\", 443)); print(\"connected\")\nexcept socket.timeout:\n    print(\"timeout\")","timeout_seconds":20}')
echo "POST /runs/sync (connect to the API server) -> logs $(jq -c .logs <<<"$net")"
check "a run cannot reach the API server (NetworkPolicy from the chart enforced)" \
  jq -e '.status == "Succeeded" and .logs == "timeout\n"' <<<"$net"
status=$(curl -sS --max-time 10 "${auth[@]}" "http://$ip/system/status")
check "/system/status sees the worker Deployment (API reads it with its Role)" \
  jq -e '.worker_replicas >= 1' <<<"$status"

# RBAC
can() { [ "$(k auth can-i "$@" 2>/dev/null)" = yes ]; }
cannot() { ! can "$@"; }
check "worker can create jobs in $RUNS_NS" can create jobs.batch -n "$RUNS_NS" --as "$SA"
check "worker can create configmaps in $RUNS_NS" can create configmaps -n "$RUNS_NS" --as "$SA"
check "worker can get pods/log in $RUNS_NS" can get pods --subresource=log -n "$RUNS_NS" --as "$SA"
check "worker can deletecollection pods in $RUNS_NS" can deletecollection pods -n "$RUNS_NS" --as "$SA"
check "worker cannot get secrets in $RUNS_NS" cannot get secrets -n "$RUNS_NS" --as "$SA"
check "worker cannot get secrets in $NS" cannot get secrets -n "$NS" --as "$SA"
check "worker cannot create jobs in default" cannot create jobs.batch -n default --as "$SA"
check "worker cannot create jobs in $NS" cannot create jobs.batch -n "$NS" --as "$SA"
check "worker cannot create pods in $RUNS_NS" cannot create pods -n "$RUNS_NS" --as "$SA"
check "worker cannot delete networkpolicies in $RUNS_NS" cannot delete networkpolicies.networking.k8s.io -n "$RUNS_NS" --as "$SA"
check "API can list jobs in $RUNS_NS" can list jobs.batch -n "$RUNS_NS" --as "$API_SA"
check "API can get the worker Deployment" can get deployments.apps/$RELEASE-code-runner-worker -n "$NS" --as "$API_SA"
check "API cannot create jobs in $RUNS_NS" cannot create jobs.batch -n "$RUNS_NS" --as "$API_SA"
check "API cannot get secrets in $NS" cannot get secrets -n "$NS" --as "$API_SA"
check "API can watch its keys Secret, and only that one" can watch "secrets/$KEYS_SECRET" -n "$NS" --as "$API_SA"

summary
