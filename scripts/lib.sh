#!/usr/bin/env bash
# shellcheck disable=SC2034 # paths and settings read by the scripts that source this one
# Shared helpers for the project's shell scripts. Source it; do not run it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Built binaries and images live outside the work tree, keyed by version, so a fresh clone reuses them.
CACHE="${CODE_RUNNER_CACHE:-$HOME/.cache/code-runner}"
# Runtime state (certs, etcd data, logs, pid files) lives in a git-ignored folder of the checkout.
DATA="${CODE_RUNNER_DATA:-$ROOT/.data}"

K8S_VERSION="${K8S_VERSION:-v1.33.13}"
ETCD_VERSION="${ETCD_VERSION:-v3.5.21}"
TEMPORAL_CLI_VERSION="${TEMPORAL_CLI_VERSION:-v1.5.1}"
HELM_VERSION="${HELM_VERSION:-v3.19.0}"
KWOK_VERSION="${KWOK_VERSION:-v0.7.0}"
KEDA_VERSION="${KEDA_VERSION:-v2.21.0}"
KUEUE_VERSION="${KUEUE_VERSION:-v0.17.0}"

K8S_BIN="$CACHE/kubernetes-$K8S_VERSION/bin"
# Go runtime settings of the local Temporal and cluster processes (a dozen Go programs sharing 2 cores):
# - GOMAXPROCS=1: one thread runs Go code per process. On this VM a context switch is expensive (perf: a
#   fifth of the API server's and Temporal's samples in the VM's pvm_irq_enable, much of it under the
#   scheduler's task switch); with two each, the processes kept waking each other's idle threads.
#   Scale bench: 0.27-0.29 -> 0.20-0.22 CPU-s per run. Empty: Go's default (one per core).
# - GOGC=400: collect a quarter as often (100 is Go's default); they have memory to spare.
LOCAL_GOMAXPROCS="${LOCAL_GOMAXPROCS-1}"
LOCAL_GOGC="${LOCAL_GOGC:-400}"
# What every local Go process starts with: `env "${LOCAL_GO_ENV[@]}" BINARY ...` (cluster.sh, temporal.sh).
LOCAL_GO_ENV=("GOGC=$LOCAL_GOGC" ${LOCAL_GOMAXPROCS:+"GOMAXPROCS=$LOCAL_GOMAXPROCS"})
ETCD_BIN="$CACHE/etcd-$ETCD_VERSION/bin"
TEMPORAL_BIN="$CACHE/temporal-$TEMPORAL_CLI_VERSION/bin"
HELM_BIN="$CACHE/helm-$HELM_VERSION/bin"
KWOK_BIN="$CACHE/kwok-$KWOK_VERSION/bin"
KEDA_DIR="$CACHE/keda-$KEDA_VERSION"
KEDA_BIN="$KEDA_DIR/bin"
KUEUE_DIR="$CACHE/kueue-$KUEUE_VERSION"
KUEUE_BIN="$KUEUE_DIR/bin"

export GOFLAGS="${GOFLAGS:-} -mod=mod"
export CGO_ENABLED=0

# The real node's InternalIP (kwok's fake nodes carry a type label), for what pods or the API server must
# reach on the host: Temporal for in-cluster workers, webhooks and aggregated APIs run as local processes.
real_node_ip() {
  "$K8S_BIN/kubectl" get nodes -l '!type' -o jsonpath='{.items[0].status.addresses[?(@.type=="InternalIP")].address}'
}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# run_logged NAME LOGFILE CMD...: run CMD with output to LOGFILE; on failure print one clear line.
run_logged() {
  local name="$1" logfile="$2"; shift 2
  mkdir -p "$(dirname "$logfile")"
  if ! "$@" >"$logfile" 2>&1; then
    die "$name failed; see $logfile (last line: $(tail -n 1 "$logfile"))"
  fi
}
