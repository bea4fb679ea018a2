# shellcheck shell=bash
# What the in-cluster smoke scripts (helm-smoke.sh, keda-smoke.sh) share: tools, checks, the app image,
# Temporal at the node IP, and namespaces left terminating by a previous run. Sourced, not run.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PATH="$PATH:/usr/sbin:/sbin"
export KUBECONFIG="${KUBECONFIG:-$DATA/cluster/admin.kubeconfig}"
KUBECTL="$K8S_BIN/kubectl"
HELM="$HELM_BIN/helm"
k() { "$KUBECTL" "$@"; }

pass=0 fail=0
check() { # NAME CMD...: pass when CMD succeeds
  local name="$1"; shift
  if "$@" >/dev/null; then echo "PASS $name"; pass=$((pass + 1)); else echo "FAIL $name"; fail=$((fail + 1)); fi
}
# Prints the closing line; fails when any check failed.
summary() { echo "$pass passed, $fail failed"; [ "$fail" = 0 ]; }

[ -x "$HELM" ] || bash "$ROOT/scripts/build-go-tools.sh" helm
NODE_IP=$(real_node_ip)
[ -n "$NODE_IP" ] || die "no node IP (is the cluster up?)"

# The app image (scripts/app-image.sh) in the cluster's containerd.
# The app image's tag: the version plus a hash of what goes into the image (dist/ without tests, the lock
# file), so a smoke never deploys an older build that shares the version (containerd outlives the clone).
app_image_tag() {
  local h
  h=$(cd "$ROOT" && {
    find dist -path dist/test -prune -o -path dist/bench -prune -o -type f -print0 | sort -z | xargs -0 sha256sum
    sha256sum package-lock.json
  } | sha256sum | cut -c1-12)
  echo "$(jq -r .version "$ROOT/package.json")-$h"
}

# Sets APP_TAG (pass it to helm as image.tag) and builds and imports that image unless containerd has it.
ensure_app_image() {
  APP_TAG=$(app_image_tag)
  if ! ctr --address /run/code-runner/containerd/containerd.sock -n k8s.io images ls -q | grep -qxF "localhost/code-runner/app:$APP_TAG"; then
    APP_IMAGE_TAG="$APP_TAG" bash "$ROOT/scripts/app-image.sh" >/dev/null
  fi
}

# Temporal must be reachable from pods at the node IP: if it listens on 127.0.0.1 only, a socat forwarder
# NODE_IP:7233 -> 127.0.0.1:7233 runs until stop_temporal_forward (SOCAT_PID).
SOCAT_PID=""
forward_temporal() {
  (exec 3<>"/dev/tcp/$NODE_IP/7233") 2>/dev/null && return
  (exec 3<>/dev/tcp/127.0.0.1/7233) 2>/dev/null || die "Temporal does not answer on 127.0.0.1:7233 (bash scripts/temporal.sh up)"
  socat "TCP-LISTEN:7233,bind=$NODE_IP,fork,reuseaddr" TCP:127.0.0.1:7233 &
  SOCAT_PID=$!
  sleep 0.5
  log "forwarding $NODE_IP:7233 -> 127.0.0.1:7233 (socat pid $SOCAT_PID)"
}
stop_temporal_forward() { [ -z "$SOCAT_PID" ] || kill "$SOCAT_PID" 2>/dev/null || true; }

# A previous run's namespaces may still be terminating.
wait_namespaces_gone() {
  local n
  for n in "$@"; do
    if [ "$(k get namespace "$n" -o jsonpath='{.status.phase}' 2>/dev/null)" = Terminating ]; then
      k wait --for=delete "namespace/$n" --timeout=120s >/dev/null 2>&1 || true
    fi
  done
}

# remove_release RELEASE NS RUNS_NS TASK_QUEUE: the release, its namespaces, and the worker's leak-sweeper
# schedule for its task queue (which would outlive it).
remove_release() {
  "$HELM" uninstall "$1" -n "$2" --wait --timeout 120s >/dev/null 2>&1 || true
  k delete namespace "$2" "$3" --wait=false >/dev/null 2>&1 || true
  "$TEMPORAL_BIN/temporal" schedule delete --address 127.0.0.1:7233 -s "code-runner-sweeper-$4" >/dev/null 2>&1 || true
}
