# shellcheck shell=bash
# `localcluster/cluster.sh kwok`: fake nodes for scale tests, managed by kwok against the same control plane.
# Sourced by localcluster/cluster.sh. Nodes: kwok-node-0..N-1, annotation kwok.x-k8s.io/node=fake, label
# type=kwok, taint kwok.x-k8s.io/node=fake:NoSchedule (only pods tolerating it land there). Our stages
# (kwok-stages.yaml) make their pods Running at once and complete the pods of Jobs and bare runner pods
# (Succeeded). No containers run.

KWOK_NODES="${KWOK_NODES:-5}"
KWOK_NODE_CPU="${KWOK_NODE_CPU:-32}"
KWOK_NODE_MEMORY="${KWOK_NODE_MEMORY:-256Gi}"
KWOK_NODE_PODS="${KWOK_NODE_PODS:-110}"
KWOK_NODE_STORAGE="${KWOK_NODE_STORAGE:-1Ti}"

component_cmd_kwok() {
  # shellcheck disable=SC2034 # CMD is read by component_cmd's caller
  CMD=("$KWOK_BIN/kwok" --kubeconfig="$ADMIN_KUBECONFIG" --config="$CL_DIR/kwok.yaml"
    --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake
    --node-lease-duration-seconds=40 --cidr=10.244.0.1/16)
}
health_kwok() { comp_pid kwok >/dev/null; }

kwok_nodes_manifest() {
  local i name
  echo "apiVersion: v1"
  echo "kind: List"
  echo "items:"
  for ((i = 0; i < KWOK_NODES; i++)); do
    name="kwok-node-$i"
    cat <<EOF
- apiVersion: v1
  kind: Node
  metadata:
    name: $name
    annotations:
      kwok.x-k8s.io/node: fake
      node.alpha.kubernetes.io/ttl: "0"
    labels:
      type: kwok
      kubernetes.io/arch: amd64
      kubernetes.io/os: linux
      kubernetes.io/hostname: $name
      kubernetes.io/role: agent
      node-role.kubernetes.io/agent: ""
  spec:
    taints:
    - key: kwok.x-k8s.io/node
      value: fake
      effect: NoSchedule
  status:
    allocatable: { cpu: "$KWOK_NODE_CPU", memory: "$KWOK_NODE_MEMORY", pods: "$KWOK_NODE_PODS", ephemeral-storage: "$KWOK_NODE_STORAGE" }
    capacity: { cpu: "$KWOK_NODE_CPU", memory: "$KWOK_NODE_MEMORY", pods: "$KWOK_NODE_PODS", ephemeral-storage: "$KWOK_NODE_STORAGE" }
EOF
  done
}

kwok_up() {
  local t0
  t0=$(now)
  require_root
  detect_node
  [[ $KWOK_NODES =~ ^[0-9]+$ ]] || die "KWOK_NODES must be a number, not '$KWOK_NODES'"
  mkdir -p "$CL_LOGS"
  [ -x "$KWOK_BIN/kwok" ] || run_build kwok build-kwok bash "$ROOT/scripts/build-go-tools.sh" kwok
  [ -x "$KWOK_BIN/kwok" ] || die "$KWOK_BIN/kwok is missing after the build; see $CL_LOGS/build-kwok.log"
  take_lock
  [ -f "$ADMIN_KUBECONFIG" ] && health_kube-apiserver >/dev/null 2>&1 ||
    die "the cluster is not up (kube-apiserver at https://127.0.0.1:6443 does not answer); run localcluster/cluster.sh up first"
  # Our own configuration, so a ~/.kwok/kwok.yaml of the user cannot change behaviour; our pod stages
  # (kwok-stages.yaml) replace kwok's defaults.
  {
    printf 'apiVersion: config.kwok.x-k8s.io/v1alpha1\nkind: KwokConfiguration\noptions: {}\n---\n'
    cat "$ROOT/localcluster/lib/kwok-stages.yaml"
  } | write_if_changed "$CL_DIR/kwok.yaml"
  # shellcheck disable=SC2034 # STARTED is appended to by ensure_started and read by wait_started
  STARTED=()
  ensure_started kwok
  wait_started kwok

  kwok_nodes_manifest | kubectl_ apply -f - >"$CL_LOGS/kwok-nodes.log" 2>&1 ||
    die "could not create the kwok nodes; see $CL_LOGS/kwok-nodes.log (last line: $(tail -n 1 "$CL_LOGS/kwok-nodes.log"))"
  # `apply` ignores the status of nodes that already exist: set their capacity through the subresource
  local res i
  res="{\"cpu\":\"$KWOK_NODE_CPU\",\"memory\":\"$KWOK_NODE_MEMORY\",\"pods\":\"$KWOK_NODE_PODS\",\"ephemeral-storage\":\"$KWOK_NODE_STORAGE\"}"
  for ((i = 0; i < KWOK_NODES; i++)); do
    kubectl_ patch node "kwok-node-$i" --subresource=status --type=merge \
      -p "{\"status\":{\"capacity\":$res,\"allocatable\":$res}}" >>"$CL_LOGS/kwok-nodes.log" 2>&1 ||
      die "could not set the capacity of kwok-node-$i; see $CL_LOGS/kwok-nodes.log"
  done
  # fewer nodes wanted than exist: delete the extra ones
  local n extra=()
  for n in $(kubectl_ get nodes -l type=kwok -o name); do
    n="${n#node/}"
    [ "${n#kwok-node-}" -ge "$KWOK_NODES" ] 2>/dev/null && extra+=("$n")
  done
  [ ${#extra[@]} -eq 0 ] || kubectl_ delete node "${extra[@]}" --wait=false >/dev/null

  local deadline=$((SECONDS + 60)) ready
  while :; do
    ready=$(kubectl_ get nodes -l type=kwok -o 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' 2>/dev/null | grep -c '^True$' || true)
    [ "$ready" -ge "$KWOK_NODES" ] && break
    comp_pid kwok >/dev/null || comp_die kwok "exited"
    [ $SECONDS -lt $deadline ] || comp_die kwok "made only $ready of $KWOK_NODES fake nodes Ready within 60s"
    sleep 0.5
  done
  echo "kwok up in $(elapsed "$t0")s: $KWOK_NODES fake node(s) Ready (label type=kwok, taint kwok.x-k8s.io/node=fake:NoSchedule), log $CL_LOGS/kwok.log"
}
