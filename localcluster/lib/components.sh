# shellcheck shell=bash
# Config files, command lines and health checks of each component. Sourced by localcluster/cluster.sh.
# component_cmd NAME fills the array CMD; health_NAME succeeds when the component serves.

write_configs() {
  mkdir -p "$CL_DIR/cni" "$CL_LOGS"
  local mtu
  mtu=$(cat "/sys/class/net/$NODE_IFACE/mtu" 2>/dev/null || echo 1500)

  # containerd: own root/state/socket, CRI on, overlayfs, runc v2 with cgroupfs, local pause image.
  write_if_changed "$CL_DIR/containerd.toml" <<EOF
version = 2
root = "$CTRD_ROOT"
state = "$CTRD_STATE"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp",
  "io.containerd.internal.v1.tracing"]

[grpc]
  address = "$CONTAINERD_SOCK"
[ttrpc]
  address = "$CONTAINERD_SOCK.ttrpc"
[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "$CTRD_ROOT/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  # no CAP_SYS_RESOURCE on these VMs: containers may not get a lower oom_score_adj than containerd
  restrict_oom_score_adj = true
  # pod network namespaces under our state dir instead of /run/netns, so cleanup knows they are ours
  netns_mounts_under_state_dir = true
  max_container_log_line_size = 16384
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    discard_unpacked_layers = false
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$CTRD_STATE/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$CNI_BIN_DIR"
    conf_dir = "$CL_DIR/cni"
    max_conf_num = 1
EOF

  # The same root/state without CRI: used only to delete stale containers while the node is down.
  sed -e 's/^disabled_plugins = \[/disabled_plugins = ["io.containerd.grpc.v1.cri", /' \
    "$CL_DIR/containerd.toml" | write_if_changed "$CL_DIR/containerd-maint.toml"

  # NetworkPolicy isolation (the bridge enforces none): our chained plugin localcluster/netpol-cni (Go), built into
  # the cache and installed next to the system plugins by localcluster/lib/netpol-plugin.sh (containerd 1.6
  # takes one bin_dir); removed by `down`.
  install_netpol_plugin
  # CNI: one bridge network, host-local IPAM kept under /var/lib/code-runner so cleanup finds it.
  # containerd's CRI sets up the pods' loopback itself (go-cni WithLoNetwork, using $CNI_BIN_DIR/loopback).
  write_if_changed "$CL_DIR/cni/10-code-runner.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "$CNI_NETWORK",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$CNI_BRIDGE",
      "isGateway": true,
      "ipMasq": true,
      "hairpinMode": true,
      "mtu": $mtu,
      "ipam": {
        "type": "host-local",
        "dataDir": "$CNI_IPAM_DIR",
        "ranges": [[{ "subnet": "$POD_CIDR" }]],
        "routes": [{ "dst": "0.0.0.0/0" }]
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } },
    { "type": "firewall", "backend": "iptables" },
    {
      "type": "$NETPOL_PLUGIN",
      "apiServer": "https://127.0.0.1:6443",
      "caFile": "$CL_PKI/ca.crt",
      "certFile": "$CL_PKI/admin.crt",
      "keyFile": "$CL_PKI/admin.key",
      "logFile": "$CL_LOGS/netpol.log"
    }
  ]
}
EOF

  write_if_changed "$CL_DIR/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 0.0.0.0
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
tlsCertFile: $CL_PKI/kubelet-server.crt
tlsPrivateKeyFile: $CL_PKI/kubelet-server.key
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: $CL_PKI/ca.crt }
authorization:
  mode: Webhook
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
cgroupDriver: cgroupfs
failSwapOn: false
failCgroupV1: false
clusterDomain: $CLUSTER_DOMAIN
resolvConf: /etc/resolv.conf
podLogsDir: $POD_LOGS_DIR
volumePluginDir: $CR_VAR/kubelet-plugins
# containerd 1.6 cannot pin images: never garbage-collect them (the pause image and the locally
# imported runtime images cannot be pulled back).
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
# kernel pids limit per pod: contains fork bombs.
podPidsLimit: 512
# The kubelet rotates a running container's log past containerLogMaxSize (default 10Mi) and serves only
# the newest file: a flood that rotates just before it ends leaves a short tail, which reads as complete
# output (seen once in CI with the sandbox suite's 50 MB flood). Here floods stay in one file; README,
# Security model, says what this means on other clusters.
containerLogMaxSize: 100Mi
# a dev VM with a big, fairly full disk must not evict pods.
evictionHard:
  memory.available: "100Mi"
  nodefs.available: "1%"
  nodefs.inodesFree: "1%"
  imagefs.available: "1%"
  imagefs.inodesFree: "1%"
evictionPressureTransitionPeriod: 30s
localStorageCapacityIsolation: true
# measure emptyDir usage every 10s (default 1m) so ephemeral-storage/sizeLimit evictions are prompt
volumeStatsAggPeriod: 10s
serializeImagePulls: false
maxPods: ${KUBELET_MAX_PODS:-110}
rotateCertificates: false
serverTLSBootstrap: false
shutdownGracePeriod: 0s
# compute node status every 2s (default 10s): the node turns Ready ~2s after the kubelet starts
# instead of ~10s. Only changes are posted; the heartbeat is the Lease.
nodeStatusUpdateFrequency: 2s
# these VMs lack CAP_SYS_RESOURCE: the default -999 cannot be set
oomScoreAdj: 0
EOF

  write_if_changed "$CL_DIR/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection:
  kubeconfig: $CL_DIR/kube-proxy.kubeconfig
hostnameOverride: $NODE_NAME
mode: iptables
clusterCIDR: $POD_CIDR
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
nodePortAddresses: ["primary"]
oomScoreAdj: 0
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
EOF
}

# component_cmd NAME: sets CMD (the command line) for NAME.
# shellcheck disable=SC2054 # flag values hold commas (Node,RBAC), not array separators
component_cmd() {
  local p="$CL_PKI"
  case "$1" in
    etcd) CMD=("$ETCD_BIN/etcd" --name=default --data-dir="$CL_ETCD_DATA"
      --listen-client-urls=https://127.0.0.1:2379 --advertise-client-urls=https://127.0.0.1:2379
      --listen-peer-urls=http://127.0.0.1:2380 --initial-advertise-peer-urls=http://127.0.0.1:2380
      --initial-cluster=default=http://127.0.0.1:2380 --listen-metrics-urls=
      --cert-file="$p/etcd-server.crt" --key-file="$p/etcd-server.key"
      --client-cert-auth=true --trusted-ca-file="$p/ca.crt"
      --log-level=warn) ;;
    kube-apiserver) CMD=("$K8S_BIN/kube-apiserver"
      --advertise-address="$NODE_IP" --bind-address=0.0.0.0 --secure-port=6443
      --etcd-servers=https://127.0.0.1:2379 --etcd-cafile="$p/ca.crt"
      --etcd-certfile="$p/apiserver-etcd-client.crt" --etcd-keyfile="$p/apiserver-etcd-client.key"
      --client-ca-file="$p/ca.crt" --tls-cert-file="$p/apiserver.crt" --tls-private-key-file="$p/apiserver.key"
      --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction,PodSecurity
      --allow-privileged=true --anonymous-auth=true
      --service-cluster-ip-range="$SERVICE_CIDR"
      --service-account-issuer="https://kubernetes.default.svc.$CLUSTER_DOMAIN"
      --service-account-key-file="$p/sa.pub" --service-account-signing-key-file="$p/sa.key"
      --kubelet-client-certificate="$p/apiserver-kubelet-client.crt" --kubelet-client-key="$p/apiserver-kubelet-client.key"
      --kubelet-certificate-authority="$p/ca.crt" --kubelet-preferred-address-types=InternalIP,Hostname
      --requestheader-client-ca-file="$p/front-proxy-ca.crt" --requestheader-allowed-names=front-proxy-client
      --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group
      --requestheader-extra-headers-prefix=X-Remote-Extra-
      --proxy-client-cert-file="$p/front-proxy-client.crt" --proxy-client-key-file="$p/front-proxy-client.key"
      --profiling=false --v=1) ;;
    kube-controller-manager) CMD=("$K8S_BIN/kube-controller-manager"
      --kubeconfig="$CL_DIR/controller-manager.kubeconfig"
      --authentication-kubeconfig="$CL_DIR/controller-manager.kubeconfig"
      --authorization-kubeconfig="$CL_DIR/controller-manager.kubeconfig"
      --bind-address=127.0.0.1 --secure-port=10257 --leader-elect=false
      --service-account-private-key-file="$p/sa.key" --root-ca-file="$p/ca.crt"
      --use-service-account-credentials=true
      --cluster-signing-cert-file="$p/ca.crt" --cluster-signing-key-file="$p/ca.key"
      --service-cluster-ip-range="$SERVICE_CIDR" --allocate-node-cidrs=false
      --kube-api-qps=200 --kube-api-burst=400 --concurrent-job-syncs=20 --concurrent-gc-syncs=40
      --profiling=false --v=1) ;;
    kube-scheduler) CMD=("$K8S_BIN/kube-scheduler"
      --kubeconfig="$CL_DIR/scheduler.kubeconfig"
      --authentication-kubeconfig="$CL_DIR/scheduler.kubeconfig"
      --authorization-kubeconfig="$CL_DIR/scheduler.kubeconfig"
      --bind-address=127.0.0.1 --secure-port=10259 --leader-elect=false
      --kube-api-qps=200 --kube-api-burst=400
      --profiling=false --v=1) ;;
    containerd) CMD=(containerd --config="$CL_DIR/containerd.toml") ;;
    kubelet) CMD=("$K8S_BIN/kubelet" --config="$CL_DIR/kubelet.yaml" --kubeconfig="$CL_DIR/kubelet.kubeconfig"
      --hostname-override="$NODE_NAME" --node-ip="$NODE_IP" --root-dir="$KUBELET_ROOT" --v=1) ;;
    kube-proxy) CMD=("$K8S_BIN/kube-proxy" --config="$CL_DIR/kube-proxy.yaml" --v=1) ;;
    kwok) component_cmd_kwok ;;
    *) die "unknown component $1" ;;
  esac
  CMD=(env "${LOCAL_GO_ENV[@]}" "${CMD[@]}") # all Go programs
}

# ---- health checks -------------------------------------------------------------------------------
_curl() { curl -sS --max-time 3 -A code-runner-cluster "$@"; } # non-curl agent: compact JSON
health_etcd() {
  local o
  o=$(_curl --cacert "$CL_PKI/ca.crt" --cert "$CL_PKI/apiserver-etcd-client.crt" --key "$CL_PKI/apiserver-etcd-client.key" \
    https://127.0.0.1:2379/health) && [[ $o == *'"health":"true"'* ]]
}
# api_get PATH: GET from the API server as admin (curl: much cheaper than a kubectl start).
api_get() {
  local path="$1"; shift
  _curl --cacert "$CL_PKI/ca.crt" --cert "$CL_PKI/admin.crt" --key "$CL_PKI/admin.key" "$@" "https://127.0.0.1:6443$path"
}
api_exists() { [ "$(api_get "$1" -o /dev/null -w '%{http_code}' 2>/dev/null)" = 200 ]; }
# api_send METHOD PATH [JSON]: a write as admin; prints the HTTP status code (000: no answer).
api_send() {
  local data=()
  [ -z "${3:-}" ] || data=(-H 'Content-Type: application/json' --data-binary "$3")
  api_get "$2" -X "$1" "${data[@]}" -o /dev/null -w '%{http_code}'
}
health_kube-apiserver() {
  [ "$(_curl --cacert "$CL_PKI/ca.crt" --cert "$CL_PKI/admin.crt" --key "$CL_PKI/admin.key" https://127.0.0.1:6443/readyz)" = ok ]
}
health_kube-controller-manager() { [ "$(_curl -k https://127.0.0.1:10257/healthz)" = ok ]; }
health_kube-scheduler() { [ "$(_curl -k https://127.0.0.1:10259/healthz)" = ok ]; }
health_containerd() {
  local o
  o=$(ctr_ plugins ls 2>/dev/null) && grep -qE '^io\.containerd\.grpc\.v1[[:space:]]+cri[[:space:]].*[[:space:]]ok[[:space:]]*$' <<<"$o"
}
health_kubelet() { [ "$(_curl http://127.0.0.1:10248/healthz)" = ok ]; }
health_kube-proxy() { [ "$(_curl -o /dev/null -w '%{http_code}' http://127.0.0.1:10256/healthz)" = 200 ]; }

# shellcheck disable=SC2034 # read by localcluster/cluster.sh (wait_started)
declare -A HEALTH_TIMEOUT=(
  [etcd]=30 [kube-apiserver]=90 [kube-controller-manager]=60 [kube-scheduler]=60
  [containerd]=30 [kubelet]=60 [kube-proxy]=60 [kwok]=10
)
