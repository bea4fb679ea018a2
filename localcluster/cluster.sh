#!/usr/bin/env bash
# Over 300 lines on purpose: one script owns the cluster's whole life (certs, components, CNI, repair), run as one tool.
# The project's own single-node Kubernetes, as plain processes on this machine (no systemd, no Docker).
#
#   localcluster/cluster.sh up       start (or repair) the cluster; idempotent; recovers from an unclean stop
#   localcluster/cluster.sh down     stop everything it started and remove mounts, netns, cni0, iptables rules
#   localcluster/cluster.sh status   each component up/down, whether the Job controller acts, the node's Ready
#                               state (exit 0 = all healthy)
#   localcluster/cluster.sh kwok     start kwok with $KWOK_NODES (default 5) fake nodes (taint kwok.x-k8s.io/node=fake)
#   localcluster/cluster.sh env      print export lines for KUBECONFIG and CONTAINERD_ADDRESS
#   localcluster/cluster.sh reset    down, then delete this clone's cluster state (certs, etcd data, logs)
#   localcluster/cluster.sh kill C   SIGKILL component C, as a crash would (fault tests); `up` brings it back
#
# Kubeconfig: $DATA/cluster/admin.kubeconfig (server https://127.0.0.1:6443). Logs: $DATA/cluster/logs/.
# Containerd socket: /run/code-runner/containerd/containerd.sock. Layout: see localcluster/lib/common.sh.
# Environment: CLUSTER_IMAGES (subset for scripts/images.sh import, default all), KWOK_NODES,
# NODE_IFACE / NODE_IP / NODE_NAME (default: eth0, its IPv4, the hostname), KUBELET_MAX_PODS (110).
source "$(dirname "$0")/../scripts/lib.sh"
for f in common pki components cleanup job-probe kwok netpol-plugin; do
  # shellcheck source=/dev/null
  source "$ROOT/localcluster/lib/$f.sh"
done

LOCK_FILE="${CR_RUN%/*}/code-runner-cluster.lock"
PATH="$PATH:/usr/sbin:/sbin" # iptables, ip, conntrack, runc live there; CI shells may lack them

# Any unexpected failure still ends with one line saying where (die() covers the expected ones).
set -E
# shellcheck disable=SC2154 # rc is assigned inside the trap's own string
trap 'rc=$?; [ "$BASH_SUBSHELL" != 0 ] || printf "ERROR: localcluster/cluster.sh %s failed (exit %s) at %s:%s running: %s\n" "${CLUSTER_CMD:-}" "$rc" "${BASH_SOURCE[0]#"$ROOT"/}" "$LINENO" "$BASH_COMMAND" >&2' ERR

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; }

require_root() { [ "$(id -u)" = 0 ] || die "localcluster/cluster.sh must run as root (it starts containerd, kubelet and changes iptables)"; }

take_lock() {
  mkdir -p "${LOCK_FILE%/*}"
  exec 9>"$LOCK_FILE"
  if ! flock -n 9; then
    log "another localcluster/cluster.sh is running; waiting for it (lock $LOCK_FILE)"
    flock -w 1800 9 || die "timed out waiting for another localcluster/cluster.sh (lock $LOCK_FILE)"
  fi
}

detect_node() {
  NODE_IFACE="${NODE_IFACE:-}"
  if [ -z "$NODE_IFACE" ]; then
    if ip -4 -o addr show dev eth0 2>/dev/null | grep -q ' inet '; then
      NODE_IFACE=eth0
    else
      NODE_IFACE=$(ip -4 route show default 2>/dev/null | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit } }')
    fi
  fi
  [ -n "$NODE_IFACE" ] || die "cannot find the node's network interface (no eth0, no default route); set NODE_IFACE"
  NODE_IP="${NODE_IP:-$(ip -4 -o addr show dev "$NODE_IFACE" 2>/dev/null | awk '{ print $4; exit }' | cut -d/ -f1)}"
  [ -n "$NODE_IP" ] || die "interface $NODE_IFACE has no IPv4 address; set NODE_IP"
  NODE_NAME="${NODE_NAME:-$(hostname | tr '[:upper:]' '[:lower:]')}"
  [[ $NODE_NAME =~ ^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$ ]] || die "hostname '$NODE_NAME' is not a valid node name; set NODE_NAME"
}

# ---- prerequisites ----------------------------------------------------------------------------------

ensure_packages() {
  local -A want=(
    [containerd]=containerd [ctr]=containerd [containerd-shim-runc-v2]=containerd [runc]=runc
    [iptables]=iptables [ip6tables]=iptables [iptables-save]=iptables [conntrack]=conntrack [socat]=socat
    [ip]=iproute2 [ss]=iproute2 [openssl]=openssl [curl]=curl [findmnt]=util-linux [mountpoint]=util-linux
    [setsid]=util-linux [flock]=util-linux [nsenter]=util-linux [debootstrap]=debootstrap
    [jq]=jq # jq: scripts/images.sh; nsenter: the NetworkPolicy CNI plugin (localcluster/netpol-cni)
  )
  local missing=() c p
  for c in "${!want[@]}"; do command -v "$c" >/dev/null 2>&1 || missing+=("${want[$c]}"); done
  for p in bridge host-local loopback portmap firewall; do
    [ -x "$CNI_BIN_DIR/$p" ] || { missing+=(containernetworking-plugins); break; }
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  command -v apt-get >/dev/null || die "missing packages (${missing[*]}) and no apt-get to install them"
  local aptlog="$CL_LOGS/apt.log"
  mkdir -p "$CL_LOGS"
  log "installing Debian packages: ${missing[*]} (log: $aptlog)"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends "${missing[@]}" >"$aptlog" 2>&1; then
    apt-get update >>"$aptlog" 2>&1 || true
    apt-get install -y --no-install-recommends "${missing[@]}" >>"$aptlog" 2>&1 ||
      die "apt-get install ${missing[*]} failed; see $aptlog (last line: $(tail -n 1 "$aptlog"))"
  fi
  for p in bridge host-local loopback portmap firewall; do
    [ -x "$CNI_BIN_DIR/$p" ] || die "CNI plugin $p not found in $CNI_BIN_DIR after installing containernetworking-plugins (set CNI_BIN_DIR)"
  done
}

check_kernel() {
  grep -qw overlay /proc/filesystems || die "the kernel has no overlay filesystem (needed by containerd's overlayfs snapshotter)"
  [ -d /sys/fs/cgroup/memory ] || [ -f /sys/fs/cgroup/cgroup.controllers ] || die "no memory cgroup controller mounted under /sys/fs/cgroup"
  [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ] || modprobe br_netfilter 2>/dev/null ||
    die "bridge netfilter is missing (/proc/sys/net/bridge/bridge-nf-call-iptables); Services need it (modprobe br_netfilter)"
}

# run_build NAME LOCKNAME CMD...: run a build under a lock, logging to $CL_LOGS/NAME.log.
run_build() {
  local name="$1" lock="$CACHE/.$2.lock"; shift 2
  mkdir -p "$CACHE" "$CL_LOGS"
  log "building $name (first time only; can take 20+ minutes; log: $CL_LOGS/build-$name.log)"
  local t0
  t0=$(now)
  if ! flock -w 7200 "$lock" "$@" >"$CL_LOGS/build-$name.log" 2>&1 9>&-; then
    die "building $name failed; see $CL_LOGS/build-$name.log (last line: $(last_log_line "$CL_LOGS/build-$name.log"))"
  fi
  log "built $name in $(elapsed "$t0")s"
}

ensure_binaries() {
  local c need_k8s=0
  for c in kube-apiserver kube-controller-manager kube-scheduler kubelet kubectl kube-proxy; do
    [ -x "$K8S_BIN/$c" ] || need_k8s=1
  done
  [ $need_k8s = 0 ] || run_build kubernetes build-k8s bash "$ROOT/localcluster/build-k8s.sh"
  [ -x "$ETCD_BIN/etcd" ] || run_build etcd build-etcd bash "$ROOT/scripts/build-go-tools.sh" etcd
  for c in kube-apiserver kube-controller-manager kube-scheduler kubelet kubectl kube-proxy; do
    [ -x "$K8S_BIN/$c" ] || die "$K8S_BIN/$c is missing after the build; see $CL_LOGS/build-kubernetes.log"
  done
  [ -x "$ETCD_BIN/etcd" ] || die "$ETCD_BIN/etcd is missing after the build; see $CL_LOGS/build-etcd.log"
}

# ---- sysctls ---------------------------------------------------------------------------------------
# Ours: forwarding and bridge netfilter (Services, pod egress). The kubelet's own defaults
# (protectKernelDefaults=false) set the vm./kernel. ones. All are restored by `down`.
SYSCTLS=(net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables
  fs.inotify.max_user_instances fs.inotify.max_user_watches
  vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys kernel.keys.root_maxbytes)

sysctl_path() { echo "/proc/sys/${1//.//}"; }
setup_sysctls() {
  mkdir -p "$CR_RECORD"
  local s
  if [ ! -f "$CR_RECORD/sysctl.orig" ]; then
    for s in "${SYSCTLS[@]}"; do
      [ -f "$(sysctl_path "$s")" ] && echo "$s $(cat "$(sysctl_path "$s")")"
    done >"$CR_RECORD/sysctl.orig"
  fi
  set_sysctl() { [ -f "$(sysctl_path "$1")" ] && echo "$2" >"$(sysctl_path "$1")" 2>/dev/null || log "warning: cannot set $1=$2"; }
  set_sysctl net.ipv4.ip_forward 1
  set_sysctl net.bridge.bridge-nf-call-iptables 1
  set_sysctl net.bridge.bridge-nf-call-ip6tables 1
  [ "$(cat /proc/sys/fs/inotify/max_user_instances)" -ge 8192 ] || set_sysctl fs.inotify.max_user_instances 8192
  [ "$(cat /proc/sys/fs/inotify/max_user_watches)" -ge 524288 ] || set_sysctl fs.inotify.max_user_watches 524288
}
restore_sysctls() {
  [ -f "$CR_RECORD/sysctl.orig" ] || return 0
  local s v
  while read -r s v; do
    [ -n "$s" ] && echo "$v" >"$(sysctl_path "$s")" 2>/dev/null || true
  done <"$CR_RECORD/sysctl.orig"
  rm -f "$CR_RECORD/sysctl.orig"
}

# ---- up ------------------------------------------------------------------------------------------------

leftovers_exist() {
  [ -n "$(marked_pids)" ] && return 0
  [ -e "$CTRD_STATE" ] || [ -e "$KUBELET_ROOT" ] && return 0
  ip link show "$CNI_BRIDGE" >/dev/null 2>&1 && return 0
  [ -d /sys/fs/cgroup/memory/kubepods ] && return 0
  return 1
}

# What a component holds open beyond its config files. containerd watches its CNI conf dir with inotify:
# a clone deleted and cloned again at the same path (what CI does) recreates that dir with the same
# content, and a containerd left running never sees the new one ("cni plugin not initialized").
# Every other component holds credentials signed by the cluster CA, some only through a kubeconfig that a
# config file names (kube-proxy): a new CA (a fresh clone at the same path generates one) restarts them
# all, or a kube-proxy from the old CA keeps running, shut out of the API server, and routes no Service.
identity_of() {
  case "$1" in
    containerd) stat -c 'cni-conf-dir-inode=%i' "$CL_DIR/cni" 2>/dev/null ;;
    # kwok reads its stages once: a changed configuration restarts it
    kwok) echo "ca=$(sha256sum <"$CL_PKI/ca.crt" | cut -c1-16) config=$(sha256sum <"$CL_DIR/kwok.yaml" | cut -c1-16)" ;;
    *) echo "ca=$(sha256sum <"$CL_PKI/ca.crt" | cut -c1-16)" ;;
  esac
  return 0
}

# ensure_started NAME [WHY]: start NAME unless it already runs with the same config and is healthy; given
# WHY (a reason, said of NAME: "watched ..."), restart it anyway. Appends NAME to STARTED when (re)started.
ensure_started() {
  local name="$1" why="${2:-}" pid hash i was_running=0
  component_cmd "$name"
  hash=$(config_hash "${CMD[@]}" "$(identity_of "$name")")
  if pid=$(comp_pid "$name"); then
    was_running=1
    if [ -n "$why" ]; then
      log "$name (pid $pid) $why: restarting it"
    elif [ "$(comp_hash "$name")" = "$hash" ]; then
      for ((i = 0; i < 50; i++)); do
        "health_$name" >/dev/null 2>&1 && return 0
        sleep 0.2
      done
      log "$name (pid $pid) runs but is not healthy: restarting it"
    else
      log "$name (pid $pid) runs with an older configuration: restarting it"
    fi
  fi
  stop_component "$name" 15
  if [ "$name" = containerd ]; then
    # containerd was not running: whatever the node left behind (pods, shims, mounts, cni0, rules) is
    # stale. A running containerd restarted for a new config keeps its shims and pods.
    [ $was_running = 1 ] || node_cleanup
    rm -f "$CTRD_ROOT/.purged"
    mkdir -p "$CTRD_ROOT" "$CTRD_STATE"
    [ -S "$CONTAINERD_SOCK" ] && rm -f "$CONTAINERD_SOCK" "$CONTAINERD_SOCK.ttrpc"
  fi
  free_ports "$name"
  component_cmd "$name"
  start_daemon "$name" "$hash" "${CMD[@]}"
  STARTED+=("$name")
}

was_started() { [[ " ${STARTED[*]} " == *" $1 "* ]]; }

wait_started() {
  local name
  for name in "$@"; do
    was_started "$name" || continue
    wait_healthy "$name" "${HEALTH_TIMEOUT[$name]}" "health_$name"
    log "$name healthy"
  done
}

IMAGES_PID=""
start_images() {
  local script="$ROOT/scripts/images.sh" logf="$CL_LOGS/images.log"
  export CONTAINERD_ADDRESS="$CONTAINERD_SOCK"
  if [ -f "$script" ]; then
    log "importing images: scripts/images.sh import ${CLUSTER_IMAGES:-} (log: $logf)"
    # shellcheck disable=SC2086 # CLUSTER_IMAGES: optional space-separated subset, e.g. "pause python"
    ( CONTAINERD_ADDRESS="$CONTAINERD_SOCK" bash "$script" import ${CLUSTER_IMAGES:-} >"$logf" 2>&1 9>&- ) &
    IMAGES_PID=$!
  else
    log "warning: scripts/images.sh not found; relying on images already in containerd"
  fi
}
finish_images() {
  local logf="$CL_LOGS/images.log"
  if [ -n "$IMAGES_PID" ] && ! wait "$IMAGES_PID"; then
    die "image import (scripts/images.sh import) failed; see $logf (last line: $(last_log_line "$logf"))"
  fi
  local imgs
  imgs=$(ctr_ -n k8s.io images ls -q 2>/dev/null || true)
  grep -qxF "$PAUSE_IMAGE" <<<"$imgs" ||
    die "the pause image $PAUSE_IMAGE is not in containerd (namespace k8s.io); scripts/images.sh import must provide it (log: $logf)"
}

apply_rbac() {
  if ! api_exists /apis/rbac.authorization.k8s.io/v1/clusterrolebindings/code-runner:kube-apiserver-to-kubelet; then
    kubectl_ apply -f "$ROOT/localcluster/lib/rbac.yaml" >"$CL_LOGS/rbac.log" 2>&1 ||
      die "could not create the apiserver-to-kubelet RBAC; see $CL_LOGS/rbac.log (last line: $(tail -n 1 "$CL_LOGS/rbac.log"))"
  fi
}

node_ready() {
  local s
  s=$(api_get "/api/v1/nodes/$NODE_NAME" 2>/dev/null) && [[ $s == *'"type":"Ready","status":"True"'* ]]
}

wait_node_ready() {
  local deadline=$((SECONDS + ${1:-120})) msg
  until node_ready; do
    comp_pid kubelet >/dev/null || comp_die kubelet "exited while the node was registering"
    if [ $SECONDS -ge $deadline ]; then
      msg=$(kubectl_ get node "$NODE_NAME" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].message}' 2>&1 || true)
      comp_die kubelet "did not make node $NODE_NAME Ready within ${1:-120}s (${msg:-node not registered})"
    fi
    sleep 0.5
  done
}

wait_default_sa() {
  local deadline=$((SECONDS + 60))
  until api_exists /api/v1/namespaces/default/serviceaccounts/default; do
    [ $SECONDS -lt $deadline ] || comp_die kube-controller-manager "did not create the default ServiceAccount within 60s"
    sleep 0.3
  done
}

# The Job controller must act, not only answer /healthz: restart the controller-manager once if it does not.
ensure_job_controller() {
  local r
  if r=$(job_controller_acts 20); then log "Job controller $r"; return 0; fi
  log "Job controller $r: restarting kube-controller-manager"
  ensure_started kube-controller-manager "has a Job controller that does not act"
  wait_started kube-controller-manager
  r=$(job_controller_acts 20) || comp_die kube-controller-manager "runs, but its Job controller $r, even after a restart"
  log "Job controller $r"
}

cmd_up() {
  local t0
  t0=$(now)
  require_root
  detect_node
  mkdir -p "$CL_LOGS"
  ensure_packages
  check_kernel
  ensure_binaries
  take_lock
  make_pki
  write_configs

  local owner
  owner=$(cat "$CR_RECORD/owner" 2>/dev/null || true)
  if [ -n "$owner" ] && [ "$owner" != "$DATA" ]; then
    log "the cluster on this machine was started from $owner: stopping it and cleaning up after it"
    full_teardown
  elif [ -z "$owner" ] && leftovers_exist; then
    log "found leftovers of an earlier cluster without a record: cleaning up"
    full_teardown
  fi
  mkdir -p "$CR_RECORD/pids"
  echo "$DATA" >"$CR_RECORD/owner"
  setup_sysctls

  STARTED=()
  ensure_started etcd
  ensure_started containerd
  wait_started etcd containerd
  start_images
  ensure_started kube-apiserver
  wait_started kube-apiserver
  apply_rbac
  # Every component below watches the API server through client-go reflectors, which retry a dropped
  # watch with a backoff that grows (0.8 s doubling to 30 s, plus up to 100% jitter) and resets only after
  # 2 quiet minutes: after an API server restart they ran on stale caches for up to a minute. Restart them.
  local c why=""
  was_started kube-apiserver && why="watched the API server that was restarted"
  for c in kube-controller-manager kube-scheduler kubelet kube-proxy; do ensure_started "$c" "$why"; done
  wait_started kube-controller-manager kube-scheduler kubelet kube-proxy
  finish_images
  wait_node_ready 120
  wait_default_sa
  if [ -n "$why" ] && comp_pid kwok >/dev/null; then # optional, started by `kwok`
    ensure_started kwok "$why"
    wait_started kwok
  fi
  ensure_job_controller
  local what="started ${#STARTED[@]} component(s)"
  [ ${#STARTED[@]} -gt 0 ] || what="already up, nothing changed"
  echo "cluster up in $(elapsed "$t0")s ($what): node $NODE_NAME Ready, KUBECONFIG=$ADMIN_KUBECONFIG, CONTAINERD_ADDRESS=$CONTAINERD_SOCK, logs in $CL_LOGS"
}

# ---- down / reset -----------------------------------------------------------------------------------

cmd_down() {
  local t0
  t0=$(now)
  require_root
  detect_node
  take_lock
  local owner
  owner=$(cat "$CR_RECORD/owner" 2>/dev/null || true)
  [ -n "$owner" ] && [ "$owner" != "$DATA" ] && log "the cluster was started from $owner; stopping it anyway (machine-wide singleton)"
  # delete kwok's fake nodes while the apiserver still answers, so they do not linger NotReady
  if comp_pid kwok >/dev/null && comp_pid kube-apiserver >/dev/null && [ -f "$ADMIN_KUBECONFIG" ] && [ -x "$K8S_BIN/kubectl" ]; then
    kubectl_ delete nodes -l type=kwok --wait=false >/dev/null 2>&1 || true
  fi
  mkdir -p "$CL_LOGS"
  [ -f "$CL_DIR/containerd-maint.toml" ] || write_configs
  full_teardown
  # Only an explicit down removes our CNI plugin: cleanups inside `up` run after write_configs installed it.
  rm -f "$CNI_BIN_DIR/$NETPOL_PLUGIN"
  echo "cluster down in $(elapsed "$t0")s"
}

cmd_reset() {
  cmd_down
  rm -rf "$CL_DIR"
  echo "removed $CL_DIR (certificates, etcd data, logs); images in $CTRD_ROOT are kept"
}

# ---- status --------------------------------------------------------------------------------------

cmd_status() {
  detect_node
  local ok=0 c pid state owner
  owner=$(cat "$CR_RECORD/owner" 2>/dev/null || true)
  [ -z "$owner" ] || [ "$owner" = "$DATA" ] || echo "note: the cluster was started from $owner (another clone)"
  for c in "${ALL_COMPONENTS[@]}"; do
    if pid=$(comp_pid "$c"); then
      if "health_$c" >/dev/null 2>&1; then state="up (pid $pid)"; else state="unhealthy (pid $pid)"; ok=1; fi
    else
      state="down"; ok=1
    fi
    printf '%-24s %s\n' "$c" "$state"
  done
  if pid=$(comp_pid kwok); then printf '%-24s %s\n' kwok "up (pid $pid, optional)"; else printf '%-24s %s\n' kwok "not running (optional)"; fi
  if [ -f "$ADMIN_KUBECONFIG" ] && node_ready 2>/dev/null; then
    # the Node object stays Ready for ~40s after the kubelet stops: trust it only with a live kubelet
    if comp_pid kubelet >/dev/null; then state=Ready; else state="Ready in the API, but the kubelet is down"; ok=1; fi
  else
    state="not Ready"; ok=1
  fi
  printf '%-24s %s\n' "node $NODE_NAME" "$state"
  if ! health_kube-apiserver >/dev/null 2>&1; then
    state="not checked (the API server does not answer)"; ok=1
  elif ! comp_pid kube-controller-manager >/dev/null; then
    state="down (kube-controller-manager is not running)"; ok=1
  elif ! state=$(job_controller_acts 20); then
    ok=1
  fi
  printf '%-24s %s\n' "Job controller" "$state"
  printf '%-24s %s\n' kubeconfig "$ADMIN_KUBECONFIG"
  exit $ok
}

cmd_env() {
  echo "export KUBECONFIG=$ADMIN_KUBECONFIG"
  echo "export CONTAINERD_ADDRESS=$CONTAINERD_SOCK"
}

# ---- kill (fault tests) ----------------------------------------------------------------------------

cmd_kill() {
  local name="${1:-}" pid i
  if [ -z "$name" ] || [[ " ${ALL_COMPONENTS[*]} kwok " != *" $name "* ]]; then
    die "usage: localcluster/cluster.sh kill COMPONENT (one of: ${ALL_COMPONENTS[*]} kwok)"
  fi
  require_root
  pid=$(comp_pid "$name") || die "$name is not running"
  kill -KILL "$pid"
  for ((i = 0; i < 50; i++)); do proc_alive "$pid" || break; sleep 0.1; done
  echo "killed $name (pid $pid) with SIGKILL"
}

main() {
  local cmd="${1:-}"
  CLUSTER_CMD="$cmd"
  [ $# -gt 0 ] && shift
  case "$cmd" in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    status) cmd_status "$@" ;;
    kwok) kwok_up "$@" ;; # localcluster/lib/kwok.sh
    env) cmd_env ;;
    reset) cmd_reset ;;
    kill) cmd_kill "$@" ;;
    -h | --help | help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}
main "$@"
