#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager, kube-scheduler, kubelet and kubectl from source
# through the Go module proxy into $CACHE/kubernetes-$K8S_VERSION/bin. Idempotent: a cached build is reused.
source "$(dirname "$0")/../scripts/lib.sh"

COMPONENTS=(kube-apiserver kube-controller-manager kube-scheduler kubelet kubectl kube-proxy)
have_all() { for c in "${COMPONENTS[@]}"; do [ -x "$K8S_BIN/$c" ] || return 1; done; }
if have_all; then log "kubernetes $K8S_VERSION: cached in $K8S_BIN"; exit 0; fi

command -v go >/dev/null || die "go is required to build Kubernetes (not found on PATH)"
minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"; patch="${K8S_VERSION##*.}"
staging_ver="v0.$minor.$patch"
work="$CACHE/kubernetes-$K8S_VERSION/src"
mkdir -p "$work" "$K8S_BIN"
STAGING=(api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider
  cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api cri-client
  csi-translation-lib dynamic-resource-allocation endpointslice externaljwt kms kube-aggregator
  kube-controller-manager kube-proxy kube-scheduler kubectl kubelet metrics mount-utils
  pod-security-admission sample-apiserver)
{
  echo "module coderunner.local/k8sbuild"
  echo
  echo "go 1.24.0"
  echo
  echo "godebug default=go1.24"
  echo
  echo "require k8s.io/kubernetes $K8S_VERSION"
  echo
  for m in "${STAGING[@]}"; do echo "replace k8s.io/$m => k8s.io/$m $staging_ver"; done
} >"$work/go.mod"
cat >"$work/tools.go" <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubelet"
	_ "k8s.io/kubernetes/cmd/kubectl"
	_ "k8s.io/kubernetes/cmd/kube-proxy"
)
GO
cd "$work" || exit 1
log "kubernetes $K8S_VERSION: resolving modules (log: $work/build.log)"
run_logged "go mod tidy for kubernetes" "$work/build.log" go mod tidy -e
ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
for c in "${COMPONENTS[@]}"; do
  [ -x "$K8S_BIN/$c" ] && continue
  log "kubernetes $K8S_VERSION: building $c"
  run_logged "building $c" "$work/build-$c.log" go build -p 2 -trimpath -ldflags "$ldflags" -o "$K8S_BIN/$c.tmp" "k8s.io/kubernetes/cmd/$c"
  mv "$K8S_BIN/$c.tmp" "$K8S_BIN/$c"
done
log "kubernetes $K8S_VERSION: built into $K8S_BIN"
