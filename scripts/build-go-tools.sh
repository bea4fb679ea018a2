#!/usr/bin/env bash
# Builds the Go tools the project runs, each pinned and cached outside the work tree:
# etcd (server module needs a wrapper module), the Temporal CLI (dev server + Web UI), helm, kwok, and
# KEDA's operator and metrics adapter (scripts/keda-smoke.sh) and Kueue (scripts/kueue.sh); those two are
# not in the default set.
# Usage: build-go-tools.sh [etcd|temporal|helm|kwok|keda|kueue]...   (default: etcd temporal helm kwok)
source "$(dirname "$0")/lib.sh"
command -v go >/dev/null || die "go is required (not found on PATH)"

build_etcd() {
  [ -x "$ETCD_BIN/etcd" ] && { log "etcd $ETCD_VERSION: cached"; return; }
  local work="$CACHE/etcd-$ETCD_VERSION/src"; mkdir -p "$work" "$ETCD_BIN"
  printf 'module coderunner.local/etcdbuild\n\ngo 1.23\n' >"$work/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' >"$work/tools.go"
  log "etcd $ETCD_VERSION: building (log: $work/build.log)"
  ( cd "$work" && run_logged "go get etcd" "$work/build.log" go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" \
    && run_logged "go mod tidy for etcd" "$work/tidy.log" go mod tidy -e \
    && run_logged "building etcd" "$work/build.log" go build -trimpath -ldflags "-s -w" -o "$ETCD_BIN/etcd" go.etcd.io/etcd/server/v3 )
}
go_install() { # name version package dest
  local name="$1" ver="$2" pkg="$3" dest="$4"
  [ -x "$dest/$name" ] && { log "$name $ver: cached"; return; }
  mkdir -p "$dest"; log "$name $ver: go install (log: $dest/../build.log)"
  GOBIN="$dest" run_logged "go install $pkg@$ver" "$dest/../build.log" go install -trimpath -ldflags "-s -w" "$pkg@$ver"
}
# KEDA's go.mod has a replace directive, so `go install pkg@version` refuses it: build from a copy of the
# module (from the Go proxy), with its CRDs beside the binaries. ~15 minutes on 2 cores.
build_keda() {
  [ -x "$KEDA_BIN/keda-operator" ] && [ -x "$KEDA_BIN/keda-adapter" ] && { log "keda $KEDA_VERSION: cached"; return; }
  local mod="github.com/kedacore/keda/v2" src="$KEDA_DIR/src" dir
  mkdir -p "$KEDA_BIN" "$KEDA_DIR/crds"
  log "keda $KEDA_VERSION: building operator and adapter (logs: $KEDA_DIR/build-*.log)"
  dir=$(go mod download -json "$mod@$KEDA_VERSION" | jq -r .Dir) || die "keda: go mod download failed"
  rm -rf "$src"; cp -r "$dir" "$src"; chmod -R u+w "$src"
  cp "$src"/config/crd/bases/*.yaml "$KEDA_DIR/crds/"
  local ld="-s -w -X=$mod/version.Version=$KEDA_VERSION"
  ( cd "$src" && for c in operator adapter; do
      GOFLAGS=-mod=mod CGO_ENABLED=0 run_logged "building keda-$c" "$KEDA_DIR/build-$c.log" \
        go build -trimpath -ldflags "$ld" -o "$KEDA_BIN/keda-$c" "./cmd/$c"
    done )
}
# Kueue's controller manager, with its CRDs (from the same module) beside it. ~7 minutes on 2 cores.
build_kueue() {
  go_install kueue "$KUEUE_VERSION" sigs.k8s.io/kueue/cmd/kueue "$KUEUE_BIN"
  [ -f "$KUEUE_DIR/crds/kueue.x-k8s.io_workloads.yaml" ] && return
  local dir
  dir=$(go mod download -json "sigs.k8s.io/kueue@$KUEUE_VERSION" | jq -r .Dir) || die "kueue: go mod download failed"
  mkdir -p "$KUEUE_DIR/crds"
  cp "$dir"/config/components/crd/bases/*.yaml "$KUEUE_DIR/crds/"
}
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(etcd temporal helm kwok)
for t in "${targets[@]}"; do
  case "$t" in
    etcd) build_etcd ;;
    temporal) go_install temporal "$TEMPORAL_CLI_VERSION" github.com/temporalio/cli/cmd/temporal "$TEMPORAL_BIN" ;;
    helm) go_install helm "$HELM_VERSION" helm.sh/helm/v3/cmd/helm "$HELM_BIN" ;;
    kwok) go_install kwok "$KWOK_VERSION" sigs.k8s.io/kwok/cmd/kwok "$KWOK_BIN" ;;
    keda) build_keda ;;
    kueue) build_kueue ;;
    *) die "unknown tool '$t' (etcd|temporal|helm|kwok|keda|kueue)" ;;
  esac
done
