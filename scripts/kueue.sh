#!/usr/bin/env bash
# Kueue, live, for clusters that run it: runs Kueue's controller manager (built from source,
# scripts/build-go-tools.sh kueue) as a process against the local cluster, with its CRDs and its Job and
# Pod admission webhooks, the webhooks limited to namespaces labelled code-runner.dev/kueue=enabled (so
# the rest of the cluster never depends on this process). Used by test/integration/kueue.test.ts.
#
#   bash scripts/kueue.sh up | down | status
#
# Needs: the local cluster up (localcluster/cluster.sh up).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PATH="$PATH:/usr/sbin:/sbin"
export KUBECONFIG="${KUBECONFIG:-$DATA/cluster/admin.kubeconfig}"
k() { "$K8S_BIN/kubectl" "$@"; }
KQ="$DATA/kueue"
PIDFILE="$KQ/kueue.pid"
WEBHOOK_PORT="${KUEUE_WEBHOOK_PORT:-19443}"
WEBHOOKS=code-runner-kueue
NS_LABEL=code-runner.dev/kueue
HEALTH_ADDR=127.0.0.1:18081

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

# webhook NAME PATH GROUP RESOURCE OPERATIONS: one entry of a webhook configuration, at the node IP.
webhook() {
  cat <<EOF
- name: $1
  admissionReviewVersions: [v1]
  clientConfig: { url: "https://$NODE_IP:$WEBHOOK_PORT$2", caBundle: "$CA_B64" }
  failurePolicy: Fail
  sideEffects: None
  timeoutSeconds: 10
  namespaceSelector: { matchLabels: { $NS_LABEL: enabled } }
  rules: [{ apiGroups: ["$3"], apiVersions: [v1], operations: [$5], resources: [$4] }]
EOF
}

up() {
  bash "$ROOT/scripts/build-go-tools.sh" kueue
  NODE_IP=$(real_node_ip)
  [ -n "$NODE_IP" ] || die "no node IP (is the cluster up?)"
  mkdir -p "$KQ/certs"
  ( source "$ROOT/localcluster/lib/pki.sh"
    CL_PKI="$KQ/certs"
    make_ca ca kueue-webhook-ca
    issue tls /CN=kueue-webhook server "DNS:kueue-webhook,IP:127.0.0.1,IP:$NODE_IP" )
  CA_B64=$(base64 -w0 <"$KQ/certs/ca.crt")
  # Without its internal certificate management Kueue loads a metrics certificate from this fixed path
  # (where its Deployment mounts one) even with metrics off; the webhook's certificate does.
  mkdir -p /etc/kueue/metrics/certs
  cp "$KQ/certs/tls.crt" "$KQ/certs/tls.key" /etc/kueue/metrics/certs/
  k apply --server-side --force-conflicts -f "$KUEUE_DIR/crds/" >/dev/null
  # Kueue sets up its indexes at start and exits if the API server does not serve its kinds yet.
  k wait --for=condition=Established --timeout=60s -f "$KUEUE_DIR/crds/" >/dev/null
  k create namespace kueue-system --dry-run=client -o yaml | k apply -f - >/dev/null
  if ! running; then
    # Another Kueue (e.g. started from another checkout) would answer our readiness check for us.
    if curl -s --max-time 2 -o /dev/null http://$HEALTH_ADDR/readyz; then
      die "something else already serves $HEALTH_ADDR (another Kueue?): stop it first"
    fi
    cat >"$KQ/config.yaml" <<EOF
apiVersion: config.kueue.x-k8s.io/v1beta2
kind: Configuration
namespace: kueue-system
manageJobsWithoutQueueName: false
leaderElection: { leaderElect: false }
internalCertManagement: { enable: false }
webhook: { port: $WEBHOOK_PORT, host: "$NODE_IP", certDir: "$KQ/certs" }
health: { healthProbeBindAddress: "$HEALTH_ADDR" }
metrics: { bindAddress: "0" }
integrations: { frameworks: ["batch/job", "pod"] }
managedJobsNamespaceSelector: { matchLabels: { $NS_LABEL: enabled } }
EOF
    log "kueue $KUEUE_VERSION: starting (log: $KQ/kueue.log)"
    "$KUEUE_BIN/kueue" --config="$KQ/config.yaml" --kubeconfig="$KUBECONFIG" --feature-gates=VisibilityOnDemand=false >"$KQ/kueue.log" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
  fi
  local deadline=$((SECONDS + 60))
  until curl -sf --max-time 2 http://$HEALTH_ADDR/readyz >/dev/null; do
    running || die "kueue exited; see $KQ/kueue.log (last line: $(tail -n 1 "$KQ/kueue.log"))"
    [ $SECONDS -lt $deadline ] || die "kueue not ready after 60 s; see $KQ/kueue.log"
    sleep 1
  done
  k apply -f - >/dev/null <<EOF
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: { name: $WEBHOOKS }
webhooks:
$(webhook mjob.kb.io /mutate-batch-v1-job batch jobs CREATE)
$(webhook mpod.kb.io /mutate--v1-pod "" pods CREATE)
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: { name: $WEBHOOKS }
webhooks:
$(webhook vjob.kb.io /validate-batch-v1-job batch jobs "CREATE, UPDATE")
$(webhook vpod.kb.io /validate--v1-pod "" pods "CREATE, UPDATE")
EOF
  log "kueue $KUEUE_VERSION: up (pid $(cat "$PIDFILE"), webhooks at $NODE_IP:$WEBHOOK_PORT for namespaces labelled $NS_LABEL=enabled)"
}

down() {
  # The webhooks first: with failurePolicy Fail they would refuse every Job in their namespaces.
  k delete mutatingwebhookconfiguration,validatingwebhookconfiguration "$WEBHOOKS" --ignore-not-found >/dev/null 2>&1 || true
  if running; then kill "$(cat "$PIDFILE")"; fi
  rm -f "$PIDFILE"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) if running; then echo "kueue: running (pid $(cat "$PIDFILE"))"; else echo "kueue: not running"; fi ;;
  *) die "usage: kueue.sh up | down | status" ;;
esac
