# shellcheck shell=bash disable=SC2034 # constants read by the files that source this one
# Shared constants and process helpers for localcluster/cluster.sh. Sourced after scripts/lib.sh.
#
# Layout
#   per clone   $DATA/cluster/          pki/, *.kubeconfig, configs, etcd/ (data), logs/<name>.log
#   machine     /var/lib/code-runner/   containerd/ (root: images, snapshots), kubelet/, pod-logs/, cni/
#               /run/code-runner/       containerd/ (state, sockets), cluster/ (the singleton record)
# The cluster is a machine-wide singleton: /run/code-runner/cluster/owner names the $DATA of the clone
# that started it, /run/code-runner/cluster/pids/<name> its processes. Every process we start carries
# CODE_RUNNER_COMPONENT=<name> in its environment, so leftovers are recognised even without the record.

CL_DIR="$DATA/cluster"
CL_PKI="$CL_DIR/pki"
CL_LOGS="$CL_DIR/logs"
CL_ETCD_DATA="$CL_DIR/etcd"
ADMIN_KUBECONFIG="$CL_DIR/admin.kubeconfig"

CR_VAR="${CODE_RUNNER_VAR:-/var/lib/code-runner}"
CR_RUN="${CODE_RUNNER_RUN:-/run/code-runner}"
CR_RECORD="$CR_RUN/cluster"
CTRD_ROOT="$CR_VAR/containerd"
CTRD_STATE="$CR_RUN/containerd"
CONTAINERD_SOCK="$CTRD_STATE/containerd.sock"
KUBELET_ROOT="$CR_VAR/kubelet"
POD_LOGS_DIR="$CR_VAR/pod-logs"
CNI_IPAM_DIR="$CR_VAR/cni/networks"
CNI_BIN_DIR="${CNI_BIN_DIR:-/usr/lib/cni}"
SHIM_SOCK_DIR=/run/containerd/s            # containerd 1.6 hard-codes shim sockets here

SERVICE_CIDR="10.96.0.0/16"
SERVICE_IP="10.96.0.1"
POD_CIDR="10.88.0.0/16"
POD_CIDR_PREFIX="10.88."
CNI_BRIDGE="cni0"
CNI_NETWORK="code-runner"
NETPOL_PLUGIN="code-runner-netpol" # chained CNI plugin enforcing NetworkPolicy isolation (localcluster/netpol-cni)
PAUSE_IMAGE="localhost/code-runner/pause:3.10"
CLUSTER_DOMAIN="cluster.local"

# Components in start order, with the TCP ports each one needs.
CONTROL_PLANE=(etcd kube-apiserver kube-controller-manager kube-scheduler)
NODE_COMPONENTS=(containerd kubelet kube-proxy)
ALL_COMPONENTS=("${CONTROL_PLANE[@]}" "${NODE_COMPONENTS[@]}")
declare -A PORTS=(
  [etcd]="2379 2380" [kube-apiserver]="6443" [kube-controller-manager]="10257" [kube-scheduler]="10259"
  [containerd]="" [kubelet]="10250 10248" [kube-proxy]="10256 10249" [kwok]=""
)

kubectl_() { "$K8S_BIN/kubectl" --kubeconfig "$ADMIN_KUBECONFIG" "$@"; }
ctr_() { ctr --address "$CONTAINERD_SOCK" "$@"; }

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# ---- processes ---------------------------------------------------------------------------------

# proc_alive PID: running and not a zombie (PID 1 here reaps orphans only every few seconds).
proc_alive() {
  local stat
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
  stat="${stat##*) }"
  case "${stat%% *}" in Z | X | x) return 1 ;; esac
  return 0
}
proc_starttime() {
  local stat
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
  stat="${stat##*) }"
  local -a f
  read -r -a f <<<"$stat"
  echo "${f[19]}"
}
# proc_component PID: the CODE_RUNNER_COMPONENT marker of a process, if it has one.
proc_component() {
  local -a env
  local line
  { mapfile -d '' -t env <"/proc/$1/environ"; } 2>/dev/null || return 1
  for line in "${env[@]}"; do
    case "$line" in CODE_RUNNER_COMPONENT=*) echo "${line#*=}"; return 0 ;; esac
  done
  return 1
}
proc_cmd() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | cut -c1-160 || true; }

# marked_pids [NAME]: every live process carrying our marker (optionally only component NAME).
marked_pids() {
  local f pid
  local pattern='^CODE_RUNNER_COMPONENT='"${1:-}"
  [ -n "${1:-}" ] && pattern="$pattern\$"
  for f in $(grep -lz -- "$pattern" /proc/[0-9]*/environ 2>/dev/null || true); do
    pid="${f#/proc/}"; pid="${pid%/environ}"
    [ "$pid" = "$$" ] || [ "$pid" = "$BASHPID" ] && continue
    proc_alive "$pid" && echo "$pid"
  done
  return 0
}

# comp_pid NAME: pid of the recorded, still-running process of component NAME.
comp_pid() {
  local rec="$CR_RECORD/pids/$1" pid st rest
  [ -f "$rec" ] || return 1
  read -r pid st rest <"$rec" || return 1
  [ -n "$pid" ] && proc_alive "$pid" || return 1
  [ "$(proc_starttime "$pid")" = "$st" ] || return 1
  [ "$(proc_component "$pid")" = "$1" ] || return 1
  echo "$pid"
}
comp_hash() { local rec="$CR_RECORD/pids/$1" a b h; [ -f "$rec" ] && read -r a b h _ <"$rec" && echo "$h"; }

# start_daemon NAME HASH CMD...: start CMD detached, logging to $CL_LOGS/NAME.log, and record it.
start_daemon() {
  local name="$1" hash="$2"; shift 2
  local logf="$CL_LOGS/$name.log"
  mkdir -p "$CL_LOGS" "$CR_RECORD/pids"
  [ -s "$logf" ] && mv -f "$logf" "$logf.prev"
  printf '=== %s starting %s\n=== %s\n' "$(date -Is)" "$name" "$*" >"$logf"
  # setsid: own session, survives the caller; fd 9 (our lock) closed; no stdin.
  setsid env CODE_RUNNER_COMPONENT="$name" CODE_RUNNER_OWNER="$DATA" "$@" >>"$logf" 2>&1 </dev/null 9>&- &
  local pid=$!
  local st i
  st=$(proc_starttime "$pid") || st=0
  echo "$pid $st $hash $logf" >"$CR_RECORD/pids/$name"
  # Until the child has exec'd `env`, its /proc environ lacks CODE_RUNNER_COMPONENT and comp_pid calls it
  # gone: a health check made in that moment said "exited during startup" (seen with kwok, whose health
  # check is comp_pid itself). Wait for the exec (a few ms; at most 5 s).
  for ((i = 0; i < 50; i++)); do
    [ "$(proc_component "$pid")" = "$name" ] && break
    proc_alive "$pid" || break
    sleep 0.1
  done
  log "$name started (pid $pid, log $logf)"
}

# kill_pids TIMEOUT PID...: SIGTERM, wait up to TIMEOUT seconds, then SIGKILL.
kill_pids() {
  local timeout="$1"; shift
  local p left i
  [ $# -gt 0 ] || return 0
  kill -TERM "$@" 2>/dev/null || true
  for ((i = 0; i < timeout * 10; i++)); do
    left=()
    for p in "$@"; do proc_alive "$p" && left+=("$p"); done
    [ ${#left[@]} -eq 0 ] && return 0
    sleep 0.1
  done
  kill -KILL "${left[@]}" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    left=()
    for p in "$@"; do proc_alive "$p" && left+=("$p"); done
    [ ${#left[@]} -eq 0 ] && return 0
    sleep 0.1
  done
  return 0
}

# stop_component NAME [TIMEOUT]: stop the recorded process and any other marked process of NAME.
stop_component() {
  local name="$1" timeout="${2:-10}" pids=() p
  p=$(comp_pid "$name") && pids+=("$p")
  # shims are left alone: they keep pods running across a containerd restart (node_cleanup kills them)
  for p in $(marked_pids "$name"); do
    case "$(proc_cmd "$p")" in *containerd-shim*) continue ;; esac
    [[ " ${pids[*]} " == *" $p "* ]] || pids+=("$p")
  done
  if [ ${#pids[@]} -gt 0 ]; then
    log "stopping $name (pid ${pids[*]})"
    kill_pids "$timeout" "${pids[@]}"
  fi
  rm -f "$CR_RECORD/pids/$name"
}

# stop_components TIMEOUT NAME...: stop several components in parallel.
stop_components() {
  local timeout="$1" name p pids=()
  shift
  for name in "$@"; do
    if p=$(comp_pid "$name"); then log "stopping $name (pid $p)"; pids+=("$p"); fi
    for p in $(marked_pids "$name"); do [[ " ${pids[*]} " == *" $p "* ]] || pids+=("$p"); done
  done
  [ ${#pids[@]} -eq 0 ] || kill_pids "$timeout" "${pids[@]}"
  for name in "$@"; do rm -f "$CR_RECORD/pids/$name"; done
}

# last_log_line FILE: the most telling line of a log (last error-looking line, else the last line).
last_log_line() {
  local f="$1" line
  [ -f "$f" ] || { echo "no log"; return; }
  line=$(tail -n 40 "$f" | grep -aiE '(^E[0-9]{4}|level=(error|fatal)|error|fatal|failed|panic)' | tail -n 1 || true)
  [ -n "$line" ] || line=$(tail -n 1 "$f")
  printf '%s' "${line:0:300}"
}
comp_die() { # comp_die NAME MESSAGE
  local logf="$CL_LOGS/$1.log"
  die "$1 $2; see $logf (last line: $(last_log_line "$logf"))"
}

# wait_healthy NAME TIMEOUT CHECK...: poll CHECK until it succeeds; fail if the process dies.
wait_healthy() {
  local name="$1" timeout="$2"; shift 2
  local deadline=$((SECONDS + timeout))
  while :; do
    if "$@" >/dev/null 2>&1; then return 0; fi
    comp_pid "$name" >/dev/null || comp_die "$name" "exited during startup"
    [ $SECONDS -lt $deadline ] || comp_die "$name" "did not become healthy within ${timeout}s"
    sleep 0.2
  done
}

# ---- ports ---------------------------------------------------------------------------------------

# port_pids PORT: pids of processes listening on TCP PORT.
port_pids() {
  ss -Htlnp "( sport = :$1 )" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u || true
}
# free_ports NAME: make sure NAME's ports are free; kill holders that are ours, fail on anybody else's.
free_ports() {
  local name="$1" port pid comp
  for port in ${PORTS[$name]}; do
    for pid in $(port_pids "$port"); do
      if comp=$(proc_component "$pid"); then
        log "port $port is held by pid $pid ($comp, a leftover of ours): killing it"
        kill_pids 5 "$pid"
      else
        die "$name needs TCP port $port, but it is in use by pid $pid ($(proc_cmd "$pid")); stop that process first"
      fi
    done
  done
}

# ---- hashes --------------------------------------------------------------------------------------

# config_hash ARGS... : hash of a command line plus the content of every existing file it names
# (directly or as --flag=FILE), so a changed config or cert restarts the component.
config_hash() {
  local a f bins=() files=()
  for a in "$@"; do
    f="${a#*=}"
    if [ -f "$f" ]; then
      if [ -x "$f" ]; then bins+=("$f"); else files+=("$f"); fi # binaries: by size and mtime
    fi
  done
  {
    printf '%s\n' "$@"
    [ ${#bins[@]} -eq 0 ] || stat -c '%n %s %Y' "${bins[@]}"
    [ ${#files[@]} -eq 0 ] || cat "${files[@]}"
  } | sha256sum | cut -c1-16
}

# write_if_changed FILE: write stdin to FILE only when the content differs (keeps mtimes stable).
write_if_changed() {
  local f="$1" new old=""
  new=$(cat)
  [ -f "$f" ] && old=$(<"$f")
  [ "$new" == "$old" ] || printf '%s\n' "$new" >"$f"
}
