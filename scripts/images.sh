#!/usr/bin/env bash
# Over 300 lines on purpose: every image's Debian build, cache key, layer and import in one tool.
# (Over 300 lines on purpose: every image's build, cache key and import share the same helpers.)
# Build Code Runner's container images from Debian packages, without a registry, and import
# them into containerd (namespace k8s.io, the one the CRI sees).
#
#   bash scripts/images.sh build  [NAME...]   build the archives that are not cached yet
#   bash scripts/images.sh import [NAME...]   build if needed, import into containerd if not present
#   bash scripts/images.sh list               print "NAME REFERENCE" for every image
#   bash scripts/images.sh path   [NAME...]   print the cached archive path of each image (builds if needed)
#   bash scripts/images.sh prune              delete cached archives the current definitions do not use
#
# NAMES: image names (see ALL_IMAGES below), or the groups `core` (what the service needs first) and
# `extra` (every other language image); default: all. Definitions live in images/<name>.image; an image
# starts from a Debian base (images/base-<suite>.image: base-trixie, base-bookworm) or from scratch.
# Archives: $CACHE/images/<name>-<tag>-<key>.tar (docker-archive format), where <key> is a short hash
# of the image's definition, its input files, finalize.sh, the base definition and FORMAT below.
# Every Debian-based image (the language images) has two layers: its root filesystem, then the
# launcher (/opt/code-runner/launcher, the binary of the launcher image); its archive is
# <name>-<tag>-<key>-<lkey>.tar, <lkey> a short hash of the launcher image's key and LAYOUT. A launcher
# change only rewrites those archives: the root filesystem layer is taken from the image's previous
# archive with the same <key> (no debootstrap, no apt).
# After `import`, the catalog ConfigMap code-runner-images (namespace code-runner) gets one key per
# image: {"ref", "versions", "digest"} (skipped with a log line when the cluster is not reachable).
# Logs: $CACHE/images/logs/. Environment: CONTAINERD_ADDRESS (default /run/containerd/containerd.sock),
# CONTAINERD_NAMESPACE (default k8s.io), CONTAINERD_SNAPSHOTTER (ctr's default: overlayfs),
# KUBECONFIG (default: the local cluster's $DATA/cluster/admin.kubeconfig), IMAGES_CATALOG=0 (no catalog).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Bump when the archive layout or the build procedure in this script changes: rebuilds everything.
FORMAT=1
# Bump when the assembly of the two-layer archives (root filesystem + launcher) changes: rewrites the
# language images' archives, but reuses their root filesystem layers.
LAYOUT=2
# Where the launcher lands in every Debian-based image (the sandbox pod runs it from there).
LAUNCHER_IN_IMAGE=opt/code-runner/launcher
# What the service needs first (`make run` imports these before it starts), then every other image.
CORE_IMAGES=(pause launcher python node gcc java)
EXTRA_IMAGES=(scripting rust go haskell pascal mono jvm ocaml r)
ALL_IMAGES=("${CORE_IMAGES[@]}" "${EXTRA_IMAGES[@]}")
IMAGE_SRC="$ROOT/images"
IMG_CACHE="$CACHE/images"
IMG_LOGS="$IMG_CACHE/logs"
SELF="$ROOT/scripts/images.sh"
CONTAINERD_ADDRESS="${CONTAINERD_ADDRESS:-/run/containerd/containerd.sock}"
CONTAINERD_NAMESPACE="${CONTAINERD_NAMESPACE:-k8s.io}"
PATH="$PATH:/usr/sbin:/sbin"

# ---------------------------------------------------------------------------------------------
# Definitions and cache keys

short_hash() { sha256sum | cut -c1-12; }

# is_base FROM: FROM names a Debian base definition (images/base-<suite>.image).
is_base() { [[ "$1" == base-* && -f "$IMAGE_SRC/$1.image" ]]; }

# base_key BASE: print the key of a base root filesystem (memoized in BASE_KEY_OF).
declare -A BASE_KEY_OF=()
base_key() {
  local b="$1"
  is_base "$b" || die "unknown base '$b' (no $IMAGE_SRC/$b.image)"
  [[ -n "${BASE_KEY_OF[$b]:-}" ]] ||
    BASE_KEY_OF[$b]="$({ echo "format=$FORMAT"; cat "$IMAGE_SRC/$b.image"; } | short_hash)"
  echo "${BASE_KEY_OF[$b]}"
}

# base_tar BASE: $CACHE/images/base/<suite>-<variant>-<key>.tar
base_tar() {
  local b="$1" k suite variant
  k="$(base_key "$b")"
  read -r suite variant < <(
    # shellcheck disable=SC1090
    source "$IMAGE_SRC/$b.image"
    echo "$BASE_SUITE $BASE_VARIANT"
  )
  echo "$IMG_CACHE/base/$suite-$variant-$k.tar"
}

# load_def NAME: source images/NAME.image into the current shell (call inside a subshell).
load_def() {
  local name="$1" f="$IMAGE_SRC/$1.image"
  [[ -f "$f" ]] || die "unknown image '$name' (no $f); known: ${ALL_IMAGES[*]}"
  IMAGE_REF='' IMAGE_FROM='' IMAGE_PACKAGES=() IMAGE_INPUTS=() IMAGE_ENV=() IMAGE_ENTRYPOINT=null
  IMAGE_CMD=null IMAGE_WORKDIR=/ IMAGE_MAX_MB=0 IMAGE_LAUNCHER=''
  unset -f image_customize image_versions image_inputs 2>/dev/null || true
  # shellcheck disable=SC1090
  source "$f"
  [[ -n "$IMAGE_REF" ]] || die "$f does not set IMAGE_REF"
}

# describe NAME: fill REF_OF, FROM_OF, KEY_OF, ROOTKEY_OF, LAUNCHER_OF and ARCHIVE_OF for NAME
# (memoized per process).
# ROOTKEY (the root filesystem's key) is a short hash of everything that defines the image: its .image
# file, its input files (IMAGE_INPUTS under images/, and the files image_inputs prints, relative to the
# repository) and, for Debian-based images, the base definition's key and finalize.sh; plus FORMAT.
# A Debian-based image also carries the launcher (unless its definition sets IMAGE_LAUNCHER=0): its KEY
# is ROOTKEY-LKEY, LKEY a short hash of LAYOUT and the launcher image's key. Otherwise KEY = ROOTKEY.
declare -A REF_OF=() FROM_OF=() KEY_OF=() ROOTKEY_OF=() LAUNCHER_OF=() ARCHIVE_OF=()
describe() {
  local name="$1" ref from key launcher
  [[ -n "${ARCHIVE_OF[$name]:-}" ]] && return 0
  read -r ref from key launcher < <(
    load_def "$name"
    if [[ "$IMAGE_FROM" != scratch ]] && ! is_base "$IMAGE_FROM"; then
      die "$name: IMAGE_FROM must be scratch or a base (images/base-<suite>.image), not '$IMAGE_FROM'"
    fi
    key="$({
      echo "format=$FORMAT name=$name"
      cat "$IMAGE_SRC/$name.image"
      for f in "${IMAGE_INPUTS[@]}"; do echo "== $f"; cat "$IMAGE_SRC/$f"; done
      if declare -F image_inputs >/dev/null; then
        image_inputs | while read -r f; do echo "== $f"; cat "$ROOT/$f"; done
      fi
      if is_base "$IMAGE_FROM"; then
        echo "== $IMAGE_FROM $(base_key "$IMAGE_FROM")"
        cat "$IMAGE_SRC/finalize.sh"
      fi
    } | short_hash)"
    launcher=no
    if is_base "$IMAGE_FROM" && [[ "$IMAGE_LAUNCHER" != 0 ]]; then launcher=yes; fi
    echo "$IMAGE_REF $IMAGE_FROM $key $launcher"
  )
  [[ -n "${key:-}" ]] || die "cannot read the definition of image '$name' ($IMAGE_SRC/$name.image)"
  REF_OF[$name]="$ref" FROM_OF[$name]="$from" ROOTKEY_OF[$name]="$key" LAUNCHER_OF[$name]=''
  if [[ "$launcher" == yes ]]; then
    [[ "$name" != launcher ]] || die "the launcher image cannot carry itself"
    describe launcher
    LAUNCHER_OF[$name]=1
    key="$key-$(echo "layout=$LAYOUT launcher=${KEY_OF[launcher]}" | short_hash)"
  fi
  KEY_OF[$name]="$key"
  ARCHIVE_OF[$name]="$IMG_CACHE/$name-${ref##*:}-$key.tar"
}

image_key() { describe "$1"; echo "${KEY_OF[$1]}"; }
image_ref() { describe "$1"; echo "${REF_OF[$1]}"; }
# archive_path NAME: $CACHE/images/<name>-<tag>-<key>.tar
archive_path() { describe "$1"; echo "${ARCHIVE_OF[$1]}"; }

# rootfs_source NAME: print the newest cached archive (other than NAME's current one) whose first
# layer is NAME's current root filesystem: <name>-<tag>-<rootkey>.tar (single layer, before the
# launcher was added) or <name>-<tag>-<rootkey>-<any lkey>.tar. Empty when there is none.
rootfs_source() {
  local name="$1" stem f best=''
  describe "$name"
  stem="$IMG_CACHE/$name-${REF_OF[$name]##*:}-${ROOTKEY_OF[$name]}"
  for f in "$stem.tar" "$stem"-*.tar; do
    [[ -f "$f" && -f "${f%.tar}.json" && "$f" != "${ARCHIVE_OF[$name]}" ]] || continue
    if [[ -z "$best" || "$f" -nt "$best" ]]; then best="$f"; fi
  done
  echo "$best"
}

# ---------------------------------------------------------------------------------------------
# Root filesystem helpers (used by the build subprocesses)

MOUNTS=()
WORK_TO_CLEAN=''
# EXIT trap of the build processes: unmount, and on failure remove the work tree (keep it with
# IMAGES_KEEP_WORK=1 to debug).
on_build_exit() {
  local rc=$?
  unmount_all
  if ((rc != 0)) && [[ -n "$WORK_TO_CLEAN" && "${IMAGES_KEEP_WORK:-0}" != 1 ]]; then
    remove_tree "$WORK_TO_CLEAN" || true
  fi
  exit "$rc"
}

# Unmount everything this process mounted, in reverse order. Safe to call more than once.
unmount_all() {
  local i
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
    umount "${MOUNTS[i]}" 2>/dev/null || umount -l "${MOUNTS[i]}" 2>/dev/null || true
  done
  MOUNTS=()
}

# Fail if anything is still mounted below DIR (so rm -rf can never reach /proc or a bind mount).
assert_no_mounts() {
  local dir
  dir="$(realpath -m "$1")"
  if findmnt -rn -o TARGET | grep -qE "^${dir}(/|$)"; then
    die "mounts are still present under $dir; refusing to continue (check: findmnt | grep $dir)"
  fi
}

# remove_tree DIR: unmount-safe recursive removal.
remove_tree() {
  [[ -e "$1" ]] || return 0
  assert_no_mounts "$1"
  rm -rf --one-file-system "$1"
}

# chroot_begin ROOTFS: mount /proc and the shared apt package cache; make apt usable inside.
# /dev keeps the device nodes debootstrap created (null, zero, full, random, urandom, tty, ptmx),
# which is all apt, the maintainer scripts and the version checks need; the host's /dev is never
# bind-mounted, so removing a work tree cannot reach host devices.
chroot_begin() {
  local r="$1"
  mkdir -p "$IMG_CACHE/debs/apt/partial" "$r/var/cache/apt/archives"
  mount -t proc -o nosuid,nodev,noexec proc "$r/proc"; MOUNTS+=("$r/proc")
  mount --bind "$IMG_CACHE/debs/apt" "$r/var/cache/apt/archives"; MOUNTS+=("$r/var/cache/apt/archives")
  cp -L /etc/resolv.conf "$r/etc/resolv.conf"
  printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d"
  chmod 0755 "$r/usr/sbin/policy-rc.d"
}

# chroot_release_cache ROOTFS: unmount the apt cache (before finalize runs `apt-get clean`).
chroot_release_cache() {
  umount "$1/var/cache/apt/archives"
  MOUNTS=("$1/proc")
}

chroot_end() {
  unmount_all
  rm -f "$1/usr/sbin/policy-rc.d"
}

in_chroot() {
  local r="$1"; shift
  chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive "$@"
}

APT_OPTS=(-y -q -o APT::Sandbox::User=root -o APT::Install-Recommends=false
  -o APT::Install-Suggests=false -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold
  -o APT::Keep-Downloaded-Packages=true)

# fetch_npm_tarball SPEC INTEGRITY: print the path of the cached, integrity-checked npm tarball.
fetch_npm_tarball() {
  local spec="$1" integrity="$2" dir="$IMG_CACHE/downloads" file want got
  file="$dir/$(echo "$spec" | tr '@/' '--').tgz"
  want="${integrity#sha512-}"
  mkdir -p "$dir"
  if [[ ! -f "$file" ]] || [[ "$(openssl dgst -sha512 -binary "$file" | base64 -w0)" != "$want" ]]; then
    local tmp
    tmp="$(mktemp -d "$dir/pack.XXXXXX")"
    (cd "$tmp" && npm pack --silent "$spec" >&2) || die "npm pack $spec failed"
    got="$(openssl dgst -sha512 -binary "$tmp"/*.tgz | base64 -w0)"
    [[ "$got" == "$want" ]] || die "integrity mismatch for $spec: got sha512-$got, want $integrity"
    mv "$tmp"/*.tgz "$file"
    rm -rf "$tmp"
  fi
  echo "$file"
}

# ---------------------------------------------------------------------------------------------
# Build steps. Each runs as its own process (`images.sh __base` / `__build NAME`) with output to a
# log, so that `set -e` is in force and traps unmount on any exit.

ensure_host_tools() {
  local missing=()
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v jq >/dev/null || missing+=(jq)
  command -v gcc >/dev/null || missing+=(gcc libc6-dev)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v npm >/dev/null || missing+=(npm)
  if ((${#missing[@]})); then
    log "installing host packages: ${missing[*]}"
    run_logged "apt-get install ${missing[*]}" "$IMG_LOGS/host-packages.log" \
      bash -c "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q ${missing[*]}"
  fi
}

# do_base BASE: build a base root filesystem tarball (images/BASE.image), if it is not cached.
do_base() {
  local b="$1" key out work r
  key="$(base_key "$b")"
  out="$(base_tar "$b")"
  [[ -f "$out" ]] && return 0
  # shellcheck disable=SC1090
  source "$IMAGE_SRC/$b.image"
  work="$IMG_CACHE/work/$b-$key"
  r="$work/rootfs"
  trap on_build_exit EXIT
  trap 'exit 130' INT TERM
  trap 'echo "ERROR: $b: command failed (exit $?) at scripts/images.sh:$LINENO: $BASH_COMMAND" >&2' ERR
  local old
  for old in "$IMG_CACHE/work/$b"-*; do remove_tree "$old"; done
  WORK_TO_CLEAN="$work"
  mkdir -p "$work" "$IMG_CACHE/debs/debootstrap" "$IMG_CACHE/base"
  echo "== debootstrap $BASE_VARIANT $BASE_SUITE"
  debootstrap --variant="$BASE_VARIANT" --cache-dir="$IMG_CACHE/debs/debootstrap" \
    "$BASE_SUITE" "$r" "$BASE_MIRROR"
  base_sources >"$r/etc/apt/sources.list"
  base_dpkg_excludes >"$r/etc/dpkg/dpkg.cfg.d/01-code-runner-nodoc"
  chroot_begin "$r"
  echo "== apt-get update && upgrade"
  in_chroot "$r" apt-get "${APT_OPTS[@]}" update
  in_chroot "$r" apt-get "${APT_OPTS[@]}" dist-upgrade
  chroot_end "$r"
  rm -rf "$r"/var/lib/apt/lists/* "$r"/var/cache/apt/*.bin
  assert_no_mounts "$r"
  echo "== tar base"
  tar --numeric-owner --sort=name -C "$r" -cf "$out.tmp" .
  mv "$out.tmp" "$out"
  remove_tree "$work"
  echo "$b ready: $out ($(du -m "$out" | cut -f1) MB)"
}

# Build one image archive NAME, if it is not cached. A Debian-based image's root filesystem layer
# comes from its previous archive when one has the same root key (rootfs_source); otherwise it is
# built (base, apt, customize, finalize, version check). Then the launcher layer, then the archive.
do_build() {
  local name="$1" out key work r src=''
  describe "$name"
  out="${ARCHIVE_OF[$name]}"
  [[ -f "$out" ]] && return 0
  key="${KEY_OF[$name]}"
  load_def "$name"
  work="$IMG_CACHE/work/$name-$key"
  r="$work/rootfs"
  trap on_build_exit EXIT
  trap 'exit 130' INT TERM
  trap 'echo "ERROR: $name: command failed (exit $?) at scripts/images.sh:$LINENO: $BASH_COMMAND" >&2' ERR
  local old
  for old in "$IMG_CACHE/work/$name"-*; do remove_tree "$old"; done
  WORK_TO_CLEAN="$work"
  mkdir -p "$work"
  # Layers of the archive, in order: tar files and their history lines (LAYER_CREATED, LAYER_BY).
  LAYERS=() LAYER_DIFF=() LAYER_CREATED=() LAYER_BY=()
  local versions='' created size_mb
  if [[ -n "${LAUNCHER_OF[$name]}" ]]; then src="$(rootfs_source "$name")"; fi
  if [[ -n "$src" ]]; then
    echo "== root filesystem layer from $src"
    local layer0
    layer0="$(tar --occurrence=1 -xOf "$src" manifest.json | jq -r '.[0].Layers[0]')"
    tar --occurrence=1 -xOf "$src" "$layer0" >"$work/layer0.tar"
    versions="$(jq -r '.rootfs_versions // .versions' "${src%.tar}.json")"
    created="$(jq -r '.rootfs_created // .created' "${src%.tar}.json")"
    LAYERS+=("$work/layer0.tar") LAYER_DIFF+=("$(jq -r .diff_id "${src%.tar}.json")")
    [[ "${LAYER_DIFF[0]}" == "sha256:${layer0%%/*}" ]] || die "$src: its .json and its manifest disagree on the first layer"
  else
    mkdir -p "$r"
    build_rootfs "$name" "$r"
    versions="$ROOTFS_VERSIONS"
    echo "== layer"
    # Device nodes, /proc and /sys contents are provided by the runtime, never by the image.
    tar --numeric-owner --sort=name --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' \
      -C "$r" -cf "$work/layer0.tar" .
    remove_tree "$r"
    created="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    LAYERS+=("$work/layer0.tar") LAYER_DIFF+=("sha256:$(sha256sum "$work/layer0.tar" | cut -d' ' -f1)")
    size_mb="$(( ($(stat -c %s "$work/layer0.tar") + 1048575) / 1048576 ))"
    if ((IMAGE_MAX_MB > 0 && size_mb > IMAGE_MAX_MB)); then
      die "$name: image is $size_mb MB uncompressed, over its limit IMAGE_MAX_MB=$IMAGE_MAX_MB"
    fi
  fi
  LAYER_CREATED+=("$created")
  LAYER_BY+=("code-runner scripts/images.sh: $name from $IMAGE_FROM ${IMAGE_PACKAGES[*]}")
  local rootfs_versions="$versions"
  if [[ -n "${LAUNCHER_OF[$name]}" ]]; then
    launcher_layer "$work" "$work/layer1.tar"
    versions="${versions:+$versions$'\n'}launcher: $LAUNCHER_VERSION"
  fi
  echo "== archive"
  write_archive "$name" "$work" "$out.tmp" "$versions" "$rootfs_versions" "$created"
  size_mb="$(jq -r '.size_mb' "$work/info.json")"
  mv "$work/info.json" "${out%.tar}.json"
  mv "$out.tmp" "$out"
  remove_tree "$work"
  echo "image ready: $IMAGE_REF $out ($size_mb MB)"
}

# build_rootfs NAME ROOTFS: build NAME's root filesystem into ROOTFS (an empty directory) and set
# ROOTFS_VERSIONS (the lines of image_versions).
ROOTFS_VERSIONS=''
build_rootfs() {
  local name="$1" r="$2"
  if is_base "$IMAGE_FROM"; then
    local base
    base="$(base_tar "$IMAGE_FROM")"
    [[ -f "$base" ]] || die "base root filesystem $base is missing"
    echo "== unpack base $base"
    tar --numeric-owner -xpf "$base" -C "$r"
    chroot_begin "$r"
    if ((${#IMAGE_PACKAGES[@]})); then
      echo "== apt-get install ${IMAGE_PACKAGES[*]}"
      in_chroot "$r" apt-get "${APT_OPTS[@]}" update
      in_chroot "$r" apt-get "${APT_OPTS[@]}" install "${IMAGE_PACKAGES[@]}"
    fi
    chroot_release_cache "$r"
  fi
  if declare -F image_customize >/dev/null; then
    echo "== customize"
    image_customize "$r"
  fi
  if is_base "$IMAGE_FROM"; then
    echo "== finalize"
    cp "$IMAGE_SRC/finalize.sh" "$r/tmp/finalize.sh"
    in_chroot "$r" /bin/sh /tmp/finalize.sh
    rm -f "$r/tmp/finalize.sh"
  fi
  # Version check (with /proc still mounted: the JVM needs it).
  echo "== versions"
  local versions=''
  if declare -F image_versions >/dev/null; then
    versions="$(image_versions "$r" 2>&1)" || die "$name: version check failed: $versions"
    echo "$versions"
    # "<id>: <version line>" with nothing after the colon: that tool printed nothing (or failed).
    if grep -qE '^[a-z0-9+#-]+:[[:space:]]*$' <<<"$versions"; then die "$name: a version line is empty"; fi
  fi
  if is_base "$IMAGE_FROM"; then chroot_end "$r"; fi
  rm -rf "${r:?}"/tmp/* "$r"/tmp/.[!.]* 2>/dev/null || true
  assert_no_mounts "$r"
  ROOTFS_VERSIONS="$versions"
}

# launcher_layer WORK OUT: write the launcher layer OUT: opt/, opt/code-runner/ (0755) and
# $LAUNCHER_IN_IMAGE (0555), all root-owned, the very binary of the launcher image's archive (which
# the caller built first); add it to LAYERS. Sets LAUNCHER_VERSION ("sources <hash>, go<version>").
LAUNCHER_VERSION=''
launcher_layer() {
  local work="$1" out="$2" la dir l0 lcreated
  la="${ARCHIVE_OF[launcher]}"
  [[ -f "$la" && -f "${la%.tar}.json" ]] || die "the launcher image's archive $la is missing (build the launcher first)"
  echo "== launcher layer from $la"
  dir="$work/launcher-layer"
  mkdir -p "$dir/${LAUNCHER_IN_IMAGE%/*}"
  l0="$(tar --occurrence=1 -xOf "$la" manifest.json | jq -r '.[0].Layers[0]')"
  tar --occurrence=1 -xOf "$la" "$l0" | tar -xO ./launcher >"$dir/$LAUNCHER_IN_IMAGE"
  [[ -s "$dir/$LAUNCHER_IN_IMAGE" ]] || die "no /launcher in $la"
  if file "$dir/$LAUNCHER_IN_IMAGE" 2>/dev/null | grep -q 'dynamically linked'; then
    die "$la: the launcher is dynamically linked"
  fi
  chmod 0755 "$dir/opt" "$dir/${LAUNCHER_IN_IMAGE%/*}"
  chmod 0555 "$dir/$LAUNCHER_IN_IMAGE"
  lcreated="$(jq -r .created "${la%.tar}.json")"
  LAUNCHER_VERSION="$(jq -r .versions "${la%.tar}.json" | sed 's/^launcher //')"
  tar --numeric-owner --owner=0 --group=0 --sort=name --mtime="$lcreated" -C "$dir" -cf "$out" opt
  rm -rf "$dir"
  LAYERS+=("$out") LAYER_DIFF+=("sha256:$(sha256sum "$out" | cut -d' ' -f1)") LAYER_CREATED+=("$lcreated")
  LAYER_BY+=("code-runner scripts/images.sh: /$LAUNCHER_IN_IMAGE from ${REF_OF[launcher]} (key ${KEY_OF[launcher]}, $LAUNCHER_VERSION)")
}

# write_archive NAME WORK OUT VERSIONS ROOTFS_VERSIONS ROOTFS_CREATED: a docker-archive (docker save
# format, v1.2) of LAYERS (tar files, digests LAYER_DIFF, history LAYER_CREATED/LAYER_BY), readable
# by `ctr images import`. The layer tars are moved into it. Also writes WORK/info.json (sizes,
# versions). The config's `created` is the newest layer's, so the same layers give the same archive.
write_archive() {
  local name="$1" work="$2" out="$3" versions="$4" rootfs_versions="$5" rootfs_created="$6"
  local a="$work/archive" cfg cfgsha created i diff members=() layers_json='[]' history='[]' sizes='[]' size
  rm -rf "$a"; mkdir -p "$a"
  for i in "${!LAYERS[@]}"; do
    diff="${LAYER_DIFF[i]#sha256:}"
    size="$(stat -c %s "${LAYERS[i]}")"
    mkdir -p "$a/$diff"
    mv "${LAYERS[i]}" "$a/$diff/layer.tar"
    members+=("$diff/layer.tar")
    sizes="$(jq -c --arg d "sha256:$diff" --argjson s "$size" '. + [{diff_id: $d, size_bytes: $s}]' <<<"$sizes")"
    history="$(jq -c --arg c "${LAYER_CREATED[i]}" --arg by "${LAYER_BY[i]}" '. + [{created: $c, created_by: $by}]' <<<"$history")"
  done
  layers_json="$(printf '%s\n' "${members[@]}" | jq -R . | jq -sc .)"
  created="$(printf '%s\n' "${LAYER_CREATED[@]}" | sort | tail -n 1)"
  cfg="$work/config.json"
  jq -n \
    --arg created "$created" --argjson layers "$sizes" --argjson history "$history" --arg wd "$IMAGE_WORKDIR" \
    --argjson entry "$IMAGE_ENTRYPOINT" --argjson cmd "$IMAGE_CMD" \
    --arg ref "$IMAGE_REF" --arg key "${KEY_OF[$name]}" --arg lkey "${LAUNCHER_OF[$name]:+${KEY_OF[launcher]}}" \
    '{architecture: "amd64", os: "linux", created: $created,
      config: {Env: $ARGS.positional, Entrypoint: $entry, Cmd: $cmd, WorkingDir: $wd,
               Labels: ({"org.opencontainers.image.ref.name": $ref, "code-runner.image.key": $key}
                        + (if $lkey == "" then {} else {"code-runner.launcher.key": $lkey} end))},
      rootfs: {type: "layers", diff_ids: ($layers | map(.diff_id))},
      history: $history}' \
    --args "${IMAGE_ENV[@]}" >"$cfg"
  cfgsha="$(sha256sum "$cfg" | cut -d' ' -f1)"
  mv "$cfg" "$a/$cfgsha.json"
  jq -n --arg c "$cfgsha.json" --arg ref "$IMAGE_REF" --argjson l "$layers_json" \
    '[{Config: $c, RepoTags: [$ref], Layers: $l}]' >"$a/manifest.json"
  tar --numeric-owner --owner=0 --group=0 -C "$a" -cf "$out" manifest.json "$cfgsha.json" "${members[@]}"
  rm -rf "$a"
  jq -n --arg ref "$IMAGE_REF" --arg config "sha256:$cfgsha" --argjson layers "$sizes" \
    --arg versions "$versions" --arg rootfs_versions "$rootfs_versions" --arg created "$created" \
    --arg rootfs_created "$rootfs_created" --arg launcher "${LAUNCHER_OF[$name]:+$LAUNCHER_VERSION}" \
    '{ref: $ref, config: $config, diff_id: $layers[0].diff_id, size_bytes: ($layers | map(.size_bytes) | add),
      size_mb: ((($layers | map(.size_bytes) | add) / 1048576) | ceil), layers: $layers,
      versions: $versions, rootfs_versions: $rootfs_versions, created: $created, rootfs_created: $rootfs_created}
     + (if $launcher == "" then {} else {launcher: $launcher} end)' >"$work/info.json"
}

# ---------------------------------------------------------------------------------------------
# Commands

# resolve_names NAME...: set NAMES to the requested images (all when none), checking each name.
NAMES=()
resolve_names() {
  local n
  NAMES=()
  if (($# == 0)); then
    NAMES=("${ALL_IMAGES[@]}")
    return
  fi
  for n in "$@"; do
    case "$n" in
      core) NAMES+=("${CORE_IMAGES[@]}") ;;
      extra) NAMES+=("${EXTRA_IMAGES[@]}") ;;
      *)
        [[ " ${ALL_IMAGES[*]} " == *" $n "* ]] || die "unknown image '$n'; known: ${ALL_IMAGES[*]} (groups: core, extra)"
        NAMES+=("$n") ;;
    esac
  done
}

# with_lock NAME CMD...: run CMD holding $CACHE/images/locks/NAME.lock (one builder per image, so a
# concurrent caller waits for that image only, then finds it cached).
with_lock() {
  local lock="$IMG_CACHE/locks/$1.lock"; shift
  mkdir -p "$IMG_CACHE/locks" "$IMG_LOGS"
  (
    exec 9>"$lock"
    if ! flock -n 9; then
      log "another images.sh holds $lock; waiting"
      flock 9
    fi
    "$@"
  )
}

build_base_locked() {
  local b="$1" start=$SECONDS
  [[ -f "$(base_tar "$b")" ]] && return 0
  log "building base root filesystem $b (debootstrap; log $IMG_LOGS/$b.log)"
  run_logged "build of the base root filesystem $b" "$IMG_LOGS/$b.log" bash "$SELF" __base "$b"
  log "base root filesystem $b built in $((SECONDS - start)) s"
}

build_one_locked() {
  local name="$1" out start src='' how=''
  describe "$name"
  out="${ARCHIVE_OF[$name]}"
  if [[ -f "$out" ]]; then
    echo "$name ${REF_OF[$name]} cached $out"
    return 0
  fi
  if [[ -n "${LAUNCHER_OF[$name]}" ]]; then
    # The launcher layer is the launcher image's binary: build that first (its line goes to stderr).
    [[ -f "${ARCHIVE_OF[launcher]}" ]] || with_lock launcher build_one_locked launcher >&2
    src="$(rootfs_source "$name")"
  fi
  if [[ -z "$src" ]] && is_base "${FROM_OF[$name]}"; then
    with_lock "${FROM_OF[$name]}" build_base_locked "${FROM_OF[$name]}"
  fi
  start=$SECONDS
  if [[ -n "$src" ]]; then
    how=", root filesystem layer of $(basename "$src")"
    log "writing $name's archive: the root filesystem layer of $(basename "$src") + the launcher (log $IMG_LOGS/$name.log)"
  else
    log "building $name (log $IMG_LOGS/$name.log)"
  fi
  run_logged "build of image $name" "$IMG_LOGS/$name.log" bash "$SELF" __build "$name"
  echo "$name ${REF_OF[$name]} built in $((SECONDS - start)) s ($(jq -r .size_mb "${out%.tar}.json") MB$how) $out"
}

# build NAME...: prints one line per image.
cmd_build() {
  local names name
  resolve_names "$@"; names=("${NAMES[@]}")
  mkdir -p "$IMG_LOGS"
  ensure_host_tools
  for name in "${names[@]}"; do
    with_lock "$name" build_one_locked "$name"
  done
}

ctr_() { ctr --address "$CONTAINERD_ADDRESS" -n "$CONTAINERD_NAMESPACE" "$@"; }

# import NAME...: build if needed, then import the images containerd does not have yet, then publish
# the catalog entries of all NAMES (an imported image's entry right away, so a long background import
# shows each image as it lands).
# Fast path: one `ctr images ls`; an image is present when its reference points at the manifest
# digest recorded when this very archive was imported (<archive>.digest) and its config matches.
cmd_import() {
  local names name out ref want have
  resolve_names "$@"; names=("${NAMES[@]}")
  for name in "${names[@]}"; do describe "$name"; done
  mkdir -p "$IMG_LOGS"
  command -v ctr >/dev/null || die "ctr not found (apt-get install containerd)"
  [[ -S "$CONTAINERD_ADDRESS" ]] || die "containerd socket $CONTAINERD_ADDRESS does not exist (is containerd running? set CONTAINERD_ADDRESS)"
  local listing present=() failed=()
  listing="$(ctr_ images ls 2>"$IMG_LOGS/ctr-ls.log")" ||
    die "ctr images ls at $CONTAINERD_ADDRESS failed; see $IMG_LOGS/ctr-ls.log ($(tail -n 1 "$IMG_LOGS/ctr-ls.log"))"
  # Images already present (and cached) are published first, before any build.
  for name in "${names[@]}"; do
    out="${ARCHIVE_OF[$name]}"
    [[ -f "$out" ]] || continue
    want="$(cat "${out%.tar}.digest" 2>/dev/null || true)"
    have="$(awk -v r="${REF_OF[$name]}" '$1 == r {print $3}' <<<"$listing")"
    [[ -n "$want" && "$have" == "$want" ]] && present+=("$name")
  done
  ((${#present[@]} == 0)) || publish_catalog "${present[@]}"
  for name in "${names[@]}"; do
    out="${ARCHIVE_OF[$name]}"
    ref="${REF_OF[$name]}"
    if [[ " ${present[*]} " == *" $name "* ]]; then
      echo "$name $ref present $(cat "${out%.tar}.digest")"
      continue
    fi
    # Built on demand, one image at a time, so each lands in containerd as soon as it is ready; a
    # failed image does not stop the others (the command fails at the end).
    if [[ ! -f "$out" ]] && ! (cmd_build "$name" >&2); then
      failed+=("$name"); continue
    fi
    want="$(cat "${out%.tar}.digest" 2>/dev/null || true)"
    have="$(ctr_ images ls | awk -v r="$ref" '$1 == r {print $3}')"
    if [[ -n "$want" && "$have" == "$want" ]]; then
      echo "$name $ref present $have"
    elif with_lock "$name" import_one_locked "$name" "$out" "$ref"; then
      if [[ -n "$have" ]]; then drop_orphan_id_refs "$have"; fi
    else
      failed+=("$name"); continue
    fi
    publish_catalog "$name"
  done
  ((${#failed[@]} == 0)) || die "images not imported: ${failed[*]} (see $IMG_LOGS/)"
}

# drop_orphan_id_refs OLD_DIGEST: after a reference moved to a new build, remove the
# "sha256:<config>" references the CRI made for the old build if no named reference uses it any
# more, so containerd can garbage-collect the old layers.
drop_orphan_id_refs() {
  local old="$1" now r
  now="$(ctr_ images ls)"
  # Still used by a named reference?
  if awk -v d="$old" '$3 == d && $1 !~ /^sha256:/ {found = 1} END {exit !found}' <<<"$now"; then
    return 0
  fi
  for r in $(awk -v d="$old" '$3 == d && $1 ~ /^sha256:/ {print $1}' <<<"$now"); do
    ctr_ images rm "$r" >/dev/null 2>&1 && log "removed unused image id $r (previous build)" || true
  done
}

import_one_locked() {
  local name="$1" out="$2" ref="$3" have cfg start=$SECONDS
  local ilog="$IMG_LOGS/import-$name.log"
  run_logged "import of $name into containerd ($CONTAINERD_ADDRESS, namespace $CONTAINERD_NAMESPACE)" "$ilog" \
    ctr_ images import "$out"
  have="$(ctr_ images ls | awk -v r="$ref" '$1 == r {print $3}')"
  [[ -n "$have" ]] || die "import of $name: containerd does not list $ref after import; see $ilog"
  # The image's config must be the one this archive carries.
  cfg="$(jq -r .config "${out%.tar}.json")"
  ctr_ content get "$cfg" >/dev/null 2>&1 || die "import of $name: config $cfg missing from containerd; see $ilog"
  echo "$have" >"${out%.tar}.digest"
  echo "$name $ref imported $have in $((SECONDS - start)) s"
}

# ---------------------------------------------------------------------------------------------
# Catalog: ConfigMap code-runner-images in namespace code-runner, one key per image name, value
# {"ref": REF, "versions": [lines of image_versions at build], "digest": MANIFEST_DIGEST}.
# Merge-patched (other keys stay). Never fails the import: an unreachable cluster is logged and skipped.
CATALOG_NAMESPACE=code-runner
CATALOG_CONFIGMAP=code-runner-images
CATALOG_KUBECTL=()
CATALOG_STATE=''  # '' not checked yet, ok, skip

# catalog_ready: set CATALOG_KUBECTL once; false when there is no kubectl, kubeconfig or cluster.
catalog_ready() {
  [[ -z "$CATALOG_STATE" ]] || { [[ "$CATALOG_STATE" == ok ]]; return; }
  CATALOG_STATE=skip
  if [[ "${IMAGES_CATALOG:-1}" == 0 ]]; then return 1; fi
  local kubectl kubeconfig=()
  if [[ -x "$K8S_BIN/kubectl" ]]; then kubectl="$K8S_BIN/kubectl"
  elif command -v kubectl >/dev/null; then kubectl="$(command -v kubectl)"
  else log "catalog: no kubectl; not publishing $CATALOG_NAMESPACE/$CATALOG_CONFIGMAP"; return 1; fi
  if [[ -z "${KUBECONFIG:-}" ]]; then
    if [[ ! -f "$DATA/cluster/admin.kubeconfig" ]]; then
      log "catalog: no KUBECONFIG and no $DATA/cluster/admin.kubeconfig; not publishing $CATALOG_NAMESPACE/$CATALOG_CONFIGMAP"
      return 1
    fi
    kubeconfig=(--kubeconfig "$DATA/cluster/admin.kubeconfig")
  fi
  CATALOG_KUBECTL=("$kubectl" "${kubeconfig[@]}" --request-timeout=10s)
  if ! "${CATALOG_KUBECTL[@]}" get --raw /readyz >/dev/null 2>"$IMG_LOGS/catalog.log"; then
    log "catalog: the cluster is not reachable ($(tail -n 1 "$IMG_LOGS/catalog.log")); not publishing $CATALOG_NAMESPACE/$CATALOG_CONFIGMAP"
    return 1
  fi
  CATALOG_STATE=ok
}

# catalog_entry NAME: the JSON value of NAME's key (from the archive's .json and .digest).
catalog_entry() {
  local out="${ARCHIVE_OF[$1]}"
  jq -c --arg digest "$(cat "${out%.tar}.digest" 2>/dev/null || true)" \
    '{ref: .ref, versions: (.versions | split("\n") | map(select(test("\\S")))), digest: $digest}' "${out%.tar}.json"
}

# publish_catalog NAME...: merge NAMES' entries into the ConfigMap (creating it and the namespace).
publish_catalog() {
  local name data patch k
  catalog_ready || return 0
  k=("${CATALOG_KUBECTL[@]}")
  data='{}'
  for name in "$@"; do
    describe "$name"
    data="$(jq -c --arg k "$name" --arg v "$(catalog_entry "$name")" '. + {($k): $v}' <<<"$data")"
  done
  patch="$(jq -c '{data: .}' <<<"$data")"
  {
    "${k[@]}" get namespace "$CATALOG_NAMESPACE" >/dev/null ||
      "${k[@]}" create namespace "$CATALOG_NAMESPACE" >/dev/null || true
    "${k[@]}" -n "$CATALOG_NAMESPACE" patch configmap "$CATALOG_CONFIGMAP" --type merge -p "$patch" >/dev/null ||
      jq -c --arg n "$CATALOG_CONFIGMAP" --arg ns "$CATALOG_NAMESPACE" \
        '{apiVersion: "v1", kind: "ConfigMap", metadata: {name: $n, namespace: $ns,
          labels: {"app.kubernetes.io/part-of": "code-runner"}}} + .' <<<"$patch" |
        "${k[@]}" create -f - >/dev/null ||
      "${k[@]}" -n "$CATALOG_NAMESPACE" patch configmap "$CATALOG_CONFIGMAP" --type merge -p "$patch" >/dev/null
  } 2>"$IMG_LOGS/catalog.log" && log "catalog: $CATALOG_NAMESPACE/$CATALOG_CONFIGMAP updated: $*" ||
    log "catalog: could not update $CATALOG_NAMESPACE/$CATALOG_CONFIGMAP ($(tail -n 1 "$IMG_LOGS/catalog.log")); skipped"
}

cmd_list() {
  local name
  for name in "${ALL_IMAGES[@]}"; do
    describe "$name"
    echo "$name ${REF_OF[$name]}"
  done
}

cmd_path() {
  local names name out
  resolve_names "$@"; names=("${NAMES[@]}")
  for name in "${names[@]}"; do
    describe "$name"
    out="${ARCHIVE_OF[$name]}"
    [[ -f "$out" ]] || cmd_build "$name" >&2
    echo "$out"
  done
}

# prune: delete cached archives and base tarballs that the current definitions no longer use. An
# image whose current archive is not built yet keeps the archive its root filesystem layer would
# come from (rootfs_source).
cmd_prune() {
  local keep=() name f
  for name in "${ALL_IMAGES[@]}"; do
    describe "$name"
    keep+=("${ARCHIVE_OF[$name]}")
    if [[ -n "${LAUNCHER_OF[$name]}" && ! -f "${ARCHIVE_OF[$name]}" ]]; then keep+=("$(rootfs_source "$name")"); fi
    if is_base "${FROM_OF[$name]}"; then keep+=("$(base_tar "${FROM_OF[$name]}")"); fi
  done
  for f in "$IMG_CACHE"/*.tar "$IMG_CACHE"/base/*.tar; do
    [[ -e "$f" ]] || continue
    [[ " ${keep[*]} " == *" $f "* ]] && continue
    rm -f "$f" "${f%.tar}.json" "${f%.tar}.digest"
    echo "pruned $f"
  done
}

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$SELF"; }

main() {
  local cmd="${1:-}"
  shift || true
  case "$cmd" in
    build) cmd_build "$@" ;;
    import) cmd_import "$@" ;;
    list) cmd_list ;;
    path) cmd_path "$@" ;;
    prune) cmd_prune ;;
    __base) do_base "$1" ;;
    __build) do_build "$1" ;;
    -h | --help | help) usage ;;
    *) usage >&2; die "unknown command '${cmd}'; use build, import, list, path or prune" ;;
  esac
}

main "$@"; exit $?
