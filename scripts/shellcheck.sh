#!/usr/bin/env bash
# Lints every shell script of the project with shellcheck (Debian's package, installed when missing).
# Warnings and errors fail; infos (e.g. the deliberate `A && B || true`) do not.
source "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 1
if ! command -v shellcheck >/dev/null; then
  log "apt: installing shellcheck (log: $DATA/apt-shellcheck.log)"
  mkdir -p "$DATA"
  run_logged "apt-get install shellcheck" "$DATA/apt-shellcheck.log" \
    bash -c 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends shellcheck'
fi
mapfile -t files < <(git ls-files '*.sh' .ci/run)
shellcheck -x --severity=warning "${files[@]}"
