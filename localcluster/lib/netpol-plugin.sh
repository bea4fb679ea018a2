# shellcheck shell=bash
# The NetworkPolicy CNI plugin (localcluster/netpol-cni, Go, standard library only): built into the cache, keyed
# by a hash of its sources and toolchain, and installed as $CNI_BIN_DIR/$NETPOL_PLUGIN.
# Sourced by localcluster/cluster.sh after scripts/lib.sh and localcluster/lib/common.sh.

NETPOL_SRC="$ROOT/localcluster/netpol-cni"
NETPOL_BUILD_FLAGS=(-trimpath -ldflags "-s -w")

# netpol_src_hash: what the binary depends on: go.mod, the non-test Go files, the Go version, the flags.
netpol_src_hash() {
  {
    go version
    printf '%s\n' "${NETPOL_BUILD_FLAGS[@]}"
    cd "$NETPOL_SRC" && find . -maxdepth 1 -type f \( -name go.mod -o -name '*.go' ! -name '*_test.go' \) -print0 |
      sort -z | xargs -0 sha256sum
  } | sha256sum | cut -c1-16
}

# install_netpol_plugin: build when the sources changed, install when the binary differs from the installed one.
install_netpol_plugin() {
  local dir
  dir="$CACHE/netpol-cni-$(netpol_src_hash)"
  if [ ! -x "$dir/$NETPOL_PLUGIN" ]; then
    log "building the NetworkPolicy CNI plugin into $dir"
    mkdir -p "$dir"
    CGO_ENABLED=0 run_logged "building the NetworkPolicy CNI plugin" "$dir/build.log" \
      go build -C "$NETPOL_SRC" "${NETPOL_BUILD_FLAGS[@]}" -o "$dir/$NETPOL_PLUGIN.tmp" .
    mv -f "$dir/$NETPOL_PLUGIN.tmp" "$dir/$NETPOL_PLUGIN"
  fi
  # by rename: the runtime may be executing the old binary (a write would fail: text file busy) or
  # start it while it is being copied
  if ! cmp -s "$dir/$NETPOL_PLUGIN" "$CNI_BIN_DIR/$NETPOL_PLUGIN"; then
    install -m 0755 "$dir/$NETPOL_PLUGIN" "$CNI_BIN_DIR/.$NETPOL_PLUGIN.new"
    mv -f "$CNI_BIN_DIR/.$NETPOL_PLUGIN.new" "$CNI_BIN_DIR/$NETPOL_PLUGIN"
  fi
}
