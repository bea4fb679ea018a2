# shellcheck shell=bash
# Teardown: works after a clean run and after an unclean stop (everything SIGKILLed, mounts, netns,
# veths, cni0, iptables rules, containerd state and shims left behind), from any clone of the repo.
# Sourced by localcluster/cluster.sh.

# kill_pod_processes: every process of every pod (cgroupfs driver: /sys/fs/cgroup/<ctrl>/kubepods).
# Freeze first so a fork bomb cannot outrun the kill loop.
kill_pod_processes() {
  local fz=/sys/fs/cgroup/freezer/kubepods pids=() f p i
  [ -d /sys/fs/cgroup/pids/kubepods ] || [ -d "$fz" ] || [ -d /sys/fs/cgroup/memory/kubepods ] || return 0
  [ -d "$fz" ] && echo FROZEN >"$fz/freezer.state" 2>/dev/null || true
  for i in 1 2 3 4 5; do
    pids=()
    while IFS= read -r f; do
      # cgroups vanish while we read them: a missing file is fine
      { while IFS= read -r p; do [ -n "$p" ] && pids+=("$p"); done <"$f"; } 2>/dev/null || true
    done < <(find /sys/fs/cgroup/pids/kubepods /sys/fs/cgroup/memory/kubepods /sys/fs/cgroup/freezer/kubepods \
      -name cgroup.procs 2>/dev/null || true)
    [ ${#pids[@]} -eq 0 ] && break
    mapfile -t pids < <(printf '%s\n' "${pids[@]}" | sort -u)
    [ "$i" = 1 ] && log "killing ${#pids[@]} leftover pod process(es)"
    kill -KILL "${pids[@]}" 2>/dev/null || true
    [ -d "$fz" ] && echo THAWED >"$fz/freezer.state" 2>/dev/null || true
    sleep 0.3
    [ -d "$fz" ] && echo FROZEN >"$fz/freezer.state" 2>/dev/null || true
  done
  [ -d "$fz" ] && echo THAWED >"$fz/freezer.state" 2>/dev/null || true
  return 0
}

remove_pod_cgroups() {
  local d
  for d in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/kubepods; do
    [ -d "$d" ] || continue
    find "$d" -depth -type d -delete 2>/dev/null || true # -delete = rmdir(2) on directories
  done
}

# shim_pids: containerd shims serving our containerd (marker inherited from containerd, or pid files
# in our state dir, or an -address flag pointing at our socket).
shim_pids() {
  local f p out=()
  for p in $(marked_pids containerd); do
    case "$(proc_cmd "$p")" in *containerd-shim*) out+=("$p") ;; esac
  done
  for f in "$CTRD_STATE"/io.containerd.runtime.v2.task/*/*/shim.pid; do
    [ -f "$f" ] || continue
    p=$(cat "$f" 2>/dev/null || true)
    [ -n "$p" ] && proc_alive "$p" && case "$(proc_cmd "$p")" in *containerd-shim*) out+=("$p") ;; esac
  done
  for p in $(pgrep -f "containerd-shim.*-address $CONTAINERD_SOCK" 2>/dev/null || true); do out+=("$p"); done
  [ ${#out[@]} -gt 0 ] && printf '%s\n' "${out[@]}" | sort -u
  return 0
}

# purge_containers: delete every container record (and its snapshot) from our containerd, so no
# stale pod sandbox survives a stop. Uses the running containerd, or a CRI-less maintenance instance.
purge_containers() {
  [ -d "$CTRD_ROOT/io.containerd.metadata.v1.bolt" ] || return 0
  [ -f "$CTRD_ROOT/.purged" ] && ! comp_pid containerd >/dev/null && return 0 # clean since the last purge
  command -v containerd >/dev/null || return 0
  local maint_pid="" ns id ids i
  if ! comp_pid containerd >/dev/null || ! ctr_ version >/dev/null 2>&1; then
    [ -f "$CL_DIR/containerd-maint.toml" ] || return 0
    stop_component containerd 10
    mkdir -p "$CL_LOGS"
    setsid env CODE_RUNNER_COMPONENT=containerd-maint containerd --config="$CL_DIR/containerd-maint.toml" \
      >"$CL_LOGS/containerd-maint.log" 2>&1 </dev/null 9>&- &
    maint_pid=$!
    for ((i = 0; i < 100; i++)); do ctr_ version >/dev/null 2>&1 && break; sleep 0.1; done
    ctr_ version >/dev/null 2>&1 || { log "warning: maintenance containerd did not start (see $CL_LOGS/containerd-maint.log)"; kill_pids 5 "$maint_pid"; return 0; }
  fi
  for ns in $(ctr_ namespaces ls -q 2>/dev/null || true); do
    ids=$(ctr_ -n "$ns" tasks ls -q 2>/dev/null || true)
    for id in $ids; do
      ctr_ -n "$ns" tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true
    done
    for id in $ids; do
      ctr_ -n "$ns" tasks delete -f "$id" >/dev/null 2>&1 || true
    done
    ids=$(ctr_ -n "$ns" containers ls -q 2>/dev/null || true)
    if [ -n "$ids" ]; then
      log "removing $(wc -w <<<"$ids") stale container record(s) from containerd namespace $ns"
      # shellcheck disable=SC2086
      ctr_ -n "$ns" containers rm $ids >/dev/null 2>&1 || true
    fi
  done
  [ -n "$maint_pid" ] && kill_pids 10 "$maint_pid"
  rm -rf "$CTRD_ROOT/io.containerd.grpc.v1.cri/sandboxes" "$CTRD_ROOT/io.containerd.grpc.v1.cri/containers"
  touch "$CTRD_ROOT/.purged"
  return 0
}

# unmount_under DIR...: unmount everything mounted at or below DIR (deepest first).
unmount_under() {
  local d m n=0
  for d in "$@"; do
    [ -e "$d" ] || continue
    while IFS= read -r m; do
      [ -n "$m" ] || continue
      umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "warning: could not unmount $m"
      n=$((n + 1))
    done < <(findmnt -rn -o TARGET | awk -v d="$d" 'index($0, d "/") == 1 || $0 == d' | awk '{ print length, $0 }' | sort -rn | cut -d' ' -f2-)
  done
  [ $n -gt 0 ] && log "unmounted $n leftover mount(s)"
  return 0
}

remove_interfaces() {
  local ifc
  if ip link show "$CNI_BRIDGE" >/dev/null 2>&1; then
    for ifc in $(ip -o link show master "$CNI_BRIDGE" 2>/dev/null | awk -F': ' '{ print $2 }' | cut -d@ -f1); do
      ip link delete "$ifc" 2>/dev/null || true
    done
    ip link delete "$CNI_BRIDGE" 2>/dev/null && log "deleted bridge $CNI_BRIDGE"
  fi
  # kube-proxy's ipvs mode would leave kube-ipvs0; we use iptables mode, but clean it if present.
  ip link delete kube-ipvs0 2>/dev/null || true
  return 0
}

# purge_iptables: drop every KUBE-* and CNI-* chain and every rule jumping to one, in all tables,
# for IPv4 and IPv6 (what `kube-proxy --cleanup` does for iptables mode, plus the CNI plugins' rules).
purge_iptables() {
  local all=""
  command -v iptables-save >/dev/null && all+=$(iptables-save 2>/dev/null || true)
  command -v ip6tables-save >/dev/null && all+=$(ip6tables-save 2>/dev/null || true)
  command -v nft >/dev/null && all+=$(nft list tables 2>/dev/null || true)
  [[ $all == *KUBE-* || $all == *CNI-* || $all == *kube-proxy* ]] || return 0
  # kube-proxy's nftables mode (not used here) would leave tables named kube-proxy
  if [[ $all == *"table ip kube-proxy"* ]]; then nft delete table ip kube-proxy 2>/dev/null || true; fi
  if [[ $all == *"table ip6 kube-proxy"* ]]; then nft delete table ip6 kube-proxy 2>/dev/null || true; fi
  local save restore t rules line chains script n=0
  for save in iptables-save ip6tables-save; do
    command -v "$save" >/dev/null || continue
    restore="${save%-save}-restore"
    for t in filter nat mangle raw; do
      rules=$("$save" -t "$t" 2>/dev/null) || continue
      chains=$(sed -n 's/^:\(\(KUBE\|CNI\)-[^ ]*\) .*/\1/p' <<<"$rules")
      script="*$t"$'\n'
      while IFS= read -r line; do
        case "$line" in
          "-A KUBE-"* | "-A CNI-"*) ;;
          "-A "*" -j KUBE-"* | "-A "*" -j CNI-"* | "-A "*" -g KUBE-"* | "-A "*" -g CNI-"*)
            script+="-D ${line#-A }"$'\n'; n=$((n + 1)) ;;
        esac
      done <<<"$rules"
      for line in $chains; do script+="-F $line"$'\n'; done
      for line in $chains; do script+="-X $line"$'\n'; n=$((n + 1)); done
      script+="COMMIT"$'\n'
      [ -n "$chains" ] || [[ $script == *"-D "* ]] || continue
      "$restore" -n <<<"$script" 2>/dev/null || {
        # one rule vanished meanwhile: fall back to one command at a time
        local cmd="${save%-save}"
        while IFS= read -r line; do
          case "$line" in "-D "* | "-F "* | "-X "*) eval "$cmd -t $t $line" 2>/dev/null || true ;; esac
        done <<<"$script"
      }
    done
  done
  [ $n -gt 0 ] && log "removed $n iptables rule(s)/chain(s) of kube-proxy, kubelet and CNI"
  return 0
}

# remove_shim_sockets: containerd 1.6 puts shim sockets in /run/containerd/s whatever its state dir; a
# SIGKILLed shim leaves its socket behind. Remove the ones our bundles name, and any socket there that
# nobody listens on (a shim socket without its shim is garbage for every containerd).
remove_shim_sockets() {
  local f a listening n=0
  for f in "$CTRD_STATE"/io.containerd.runtime.v2.task/*/*/address; do
    [ -f "$f" ] || continue
    a=$(cat "$f" 2>/dev/null || true)
    a="${a#unix://}"
    [[ $a == "$SHIM_SOCK_DIR"/* ]] && rm -f "$a" && n=$((n + 1))
  done
  if [ -d "$SHIM_SOCK_DIR" ]; then
    listening=$(ss -xlpn 2>/dev/null || true)
    for f in "$SHIM_SOCK_DIR"/*; do
      [ -S "$f" ] || continue
      [[ $listening == *"$f "* ]] || { rm -f "$f" && n=$((n + 1)); }
    done
  fi
  [ $n -gt 0 ] && log "removed $n stale containerd shim socket(s) from $SHIM_SOCK_DIR"
  # containerd 1.6 also uses these fixed paths (the runc root of a dead shim's cleanup); rmdir removes
  # them only when empty, so another containerd on the machine keeps its own.
  rmdir "$SHIM_SOCK_DIR" /run/containerd/runc/k8s.io /run/containerd/runc /run/containerd/fifo /run/containerd 2>/dev/null || true
}

remove_container_log_links() {
  local l
  for l in /var/log/containers/*.log; do
    [ -L "$l" ] || continue
    [[ $(readlink "$l") == "$POD_LOGS_DIR"/* ]] && rm -f "$l"
  done
  rmdir /var/log/containers 2>/dev/null || true
  return 0
}

# node_cleanup: stop the node side (kubelet, kube-proxy, pods, containerd, shims) and remove what it
# leaves in the kernel and on disk. Containerd's root (images, snapshots) is kept.
node_cleanup() {
  stop_component kubelet 10
  stop_component kube-proxy 5
  kill_pod_processes
  purge_containers
  stop_component containerd 10
  stop_component containerd-maint 5
  local shims
  shims=$(shim_pids | tr '\n' ' ')
  if [ -n "${shims// /}" ]; then
    log "killing leftover containerd shim(s): $shims"
    # shellcheck disable=SC2086
    kill_pids 3 $shims
  fi
  kill_pod_processes
  remove_shim_sockets
  unmount_under "$CTRD_STATE" "$KUBELET_ROOT" "$CTRD_ROOT"
  rm -rf "$CTRD_STATE" "$KUBELET_ROOT" "$POD_LOGS_DIR" "$CR_VAR/cni" "$CR_VAR/kubelet-plugins"
  remove_container_log_links
  remove_interfaces
  purge_iptables # includes CNI-CR-NETPOL, the chain of our NetworkPolicy plugin
  remove_pod_cgroups
}

# full_teardown: node_cleanup plus the control plane, kwok, any other marked process, the record.
full_teardown() {
  stop_component kwok 5
  node_cleanup
  # the API server's clients first, all at once, then the API server, then etcd
  stop_components 15 kube-scheduler kube-controller-manager
  stop_component kube-apiserver 15
  stop_component etcd 15
  local rest
  rest=$(marked_pids | tr '\n' ' ')
  if [ -n "${rest// /}" ]; then
    log "killing other leftover process(es) of ours: $rest"
    # shellcheck disable=SC2086
    kill_pids 5 $rest
  fi
  restore_sysctls
  rm -rf "$CR_RECORD"
  rmdir "$CR_RUN" 2>/dev/null || true
}
