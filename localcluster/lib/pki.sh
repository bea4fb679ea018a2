# shellcheck shell=bash
# Certificates and kubeconfigs, with openssl only. Sourced by localcluster/cluster.sh.
# Idempotent: the CA and the service-account keys are made once per clone; leaf certificates are
# re-issued only when their parameters (node name, node IP, ...) change.

# _key FILE: a new P-256 key (fast to make; accepted by every Kubernetes component).
_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# make_ca NAME CN: a self-signed CA $CL_PKI/NAME.{crt,key}, made once.
make_ca() {
  local name="$1" cn="$2"
  [ -f "$CL_PKI/$name.crt" ] && [ -f "$CL_PKI/$name.key" ] && return 0
  log "generating $cn in $CL_PKI"
  _key "$CL_PKI/$name.key"
  openssl req -x509 -new -key "$CL_PKI/$name.key" -subj "/CN=$cn" -days 3650 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    -out "$CL_PKI/$name.crt" 2>/dev/null || die "openssl could not create $cn in $CL_PKI"
}

declare -A CA_FP=()
# issue NAME SUBJECT USAGE [SANS] [CA]: sign $CL_PKI/NAME.{crt,key} with CA (default: the cluster CA).
#   USAGE: client | server | both;  SANS: "DNS:a,IP:1.2.3.4"
issue() {
  local name="$1" subj="$2" usage="$3" sans="${4:-}" ca="${5:-ca}" eku params
  case "$usage" in
    client) eku="clientAuth" ;;
    server) eku="serverAuth" ;;
    both) eku="serverAuth,clientAuth" ;;
  esac
  [ -n "${CA_FP[$ca]:-}" ] || CA_FP[$ca]=$(openssl x509 -in "$CL_PKI/$ca.crt" -noout -fingerprint -sha256)
  params="$subj|$eku|$sans|$ca|${CA_FP[$ca]}"
  if [ -f "$CL_PKI/$name.crt" ] && [ "$(cat "$CL_PKI/$name.params" 2>/dev/null)" = "$params" ]; then return 0; fi
  _key "$CL_PKI/$name.key"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$eku"
    if [ -n "$sans" ]; then echo "subjectAltName=$sans"; fi
  } >"$CL_PKI/$name.ext"
  openssl req -new -key "$CL_PKI/$name.key" -subj "$subj" -out "$CL_PKI/$name.csr" 2>/dev/null
  openssl x509 -req -in "$CL_PKI/$name.csr" -CA "$CL_PKI/$ca.crt" -CAkey "$CL_PKI/$ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days 3650 -extfile "$CL_PKI/$name.ext" \
    -out "$CL_PKI/$name.crt" 2>/dev/null
  rm -f "$CL_PKI/$name.csr" "$CL_PKI/$name.ext"
  echo "$params" >"$CL_PKI/$name.params"
}

# kubeconfig FILE USER CERTNAME SERVER: a self-contained kubeconfig (certs embedded).
kubeconfig() {
  local file="$1" user="$2" cert="$3" server="$4"
  write_if_changed "$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: code-runner
  cluster:
    server: $server
    certificate-authority-data: $CA_B64
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 <"$CL_PKI/$cert.crt")
    client-key-data: $(base64 -w0 <"$CL_PKI/$cert.key")
contexts:
- name: code-runner
  context:
    cluster: code-runner
    user: $user
current-context: code-runner
EOF
  chmod 600 "$file"
}

make_pki() {
  local t0
  t0=$(now)
  mkdir -p "$CL_PKI"
  chmod 700 "$CL_PKI"
  command -v openssl >/dev/null || die "openssl not found (apt-get install openssl)"
  make_ca ca code-runner-ca
  # the aggregation layer's front proxy has a CA of its own (as kubeadm does)
  make_ca front-proxy-ca code-runner-front-proxy-ca
  if [ ! -f "$CL_PKI/sa.key" ]; then
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$CL_PKI/sa.key" 2>/dev/null
    openssl pkey -in "$CL_PKI/sa.key" -pubout -out "$CL_PKI/sa.pub" 2>/dev/null
  fi
  local api_sans="IP:127.0.0.1,IP:$NODE_IP,IP:$SERVICE_IP,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.$CLUSTER_DOMAIN,DNS:localhost,DNS:$NODE_NAME"
  issue apiserver "/CN=kube-apiserver" server "$api_sans"
  issue apiserver-kubelet-client "/CN=kube-apiserver-kubelet-client" client
  issue apiserver-etcd-client "/CN=kube-apiserver-etcd-client" client
  issue etcd-server "/CN=etcd" both "IP:127.0.0.1,DNS:localhost"
  issue admin "/O=system:masters/CN=admin" client
  issue controller-manager "/CN=system:kube-controller-manager" client
  issue scheduler "/CN=system:kube-scheduler" client
  issue kube-proxy "/CN=system:kube-proxy" client
  issue kubelet "/O=system:nodes/CN=system:node:$NODE_NAME" client
  issue front-proxy-client "/CN=front-proxy-client" client "" front-proxy-ca
  issue kubelet-server "/CN=$NODE_NAME" server "IP:$NODE_IP,IP:127.0.0.1,DNS:$NODE_NAME,DNS:localhost"
  chmod 600 "$CL_PKI"/*.key

  local server="https://127.0.0.1:6443"
  CA_B64=$(base64 -w0 <"$CL_PKI/ca.crt")
  kubeconfig "$ADMIN_KUBECONFIG" admin admin "$server"
  kubeconfig "$CL_DIR/controller-manager.kubeconfig" system:kube-controller-manager controller-manager "$server"
  kubeconfig "$CL_DIR/scheduler.kubeconfig" system:kube-scheduler scheduler "$server"
  kubeconfig "$CL_DIR/kube-proxy.kubeconfig" system:kube-proxy kube-proxy "$server"
  kubeconfig "$CL_DIR/kubelet.kubeconfig" "system:node:$NODE_NAME" kubelet "$server"
  log "certificates and kubeconfigs ready in $CL_DIR ($(elapsed "$t0")s)"
}
