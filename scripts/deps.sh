#!/usr/bin/env bash
# Installs the pinned npm dependencies (including the Node 24 runtime from the npm registry) when the
# lockfile changed since the last install. The machine's own node/npm only bootstrap this step.
source "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 1
command -v npm >/dev/null || die "npm is required to install dependencies (not found on PATH)"
stamp=node_modules/.code-runner-lock.sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -x node_modules/.bin/node ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then exit 0; fi
log "npm: installing dependencies (log: $DATA/npm-install.log)"
mkdir -p "$DATA"
# Not `npm ci`: the registry here serves no packages for other platforms, so the lockfile lacks the
# optional per-platform entries (e.g. @swc/core-darwin-*) that `npm ci` insists on. `npm install` with the
# committed lockfile installs the same pinned versions and, with --no-save, leaves the lockfile alone.
run_logged "npm install" "$DATA/npm-install.log" npm install --no-save --no-audit --no-fund
echo "$want" >"$stamp"
