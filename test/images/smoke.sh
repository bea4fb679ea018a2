#!/usr/bin/env bash
# Smoke test for scripts/images.sh: import the images into a private containerd (never the system
# one) and run each image's language as uid 65534 on a read-only root with a tmpfs /tmp, the way
# a restricted pod runs it.
#
#   bash test/images/smoke.sh [NAME...]
#
# Root here lacks CAP_SYS_RESOURCE, so the CRI's sandbox oom_score_adj of -998 fails in runc
# ("can't get final child's PID from pipe: EOF") unless restrict_oom_score_adj = true.
# Uses /tmp/img-test (root, state, socket); starts containerd there unless TEST_CONTAINERD_ADDRESS
# points at one already running. Stops what it started and unmounts everything under /tmp/img-test.
# Prints one line per check and a closing "N passed, N failed" line.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
T=/tmp/img-test
ADDR="${TEST_CONTAINERD_ADDRESS:-}"
STARTED_PID=''
passed=0 failed=0

cleanup() {
  local rc=$?
  set +e
  if [[ -n "$STARTED_PID" ]]; then
    # Remove our containers and tasks first, then stop our containerd (by its pid only).
    for c in $(ctr --address "$ADDR" -n k8s.io containers ls -q 2>/dev/null | grep '^smoke-' || true); do
      ctr --address "$ADDR" -n k8s.io task kill -s SIGKILL "$c" >/dev/null 2>&1 || true
      ctr --address "$ADDR" -n k8s.io task delete -f "$c" >/dev/null 2>&1 || true
      ctr --address "$ADDR" -n k8s.io containers delete "$c" >/dev/null 2>&1 || true
    done
    kill "$STARTED_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$STARTED_PID" 2>/dev/null || break; sleep 0.2; done
    # Unmount anything left below $T (snapshot and shm mounts), deepest first.
    findmnt -rn -o TARGET | grep "^$T/" | sort -r | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m" || true; done
  fi
  exit "$rc"
}
trap cleanup EXIT

if [[ -z "$ADDR" ]]; then
  mkdir -p "$T/cni"
  ADDR="$T/containerd.sock"
  containerd config default |
    sed -e "s#^root = .*#root = \"$T/root\"#" -e "s#^state = .*#state = \"$T/state\"#" \
      -e "/^\[grpc\]/,/^\[/ s#^  address = .*#  address = \"$ADDR\"#" \
      -e 's#sandbox_image = .*#sandbox_image = "localhost/code-runner/pause:3.10"#' \
      -e "s#conf_dir = \"/etc/cni/net.d\"#conf_dir = \"$T/cni\"#" \
      -e 's#restrict_oom_score_adj = false#restrict_oom_score_adj = true#' >"$T/config.toml"
  containerd --config "$T/config.toml" >"$T/containerd.log" 2>&1 &
  STARTED_PID=$!
  for _ in $(seq 50); do [[ -S "$ADDR" ]] && break; sleep 0.2; done
  [[ -S "$ADDR" ]] || { echo "ERROR: test containerd did not start; see $T/containerd.log"; exit 1; }
fi
mkdir -p "$T/fifo" "$T/runc"
ctr_() { ctr --address "$ADDR" -n k8s.io "$@"; }
# Keep runc state and stdio FIFOs under $T (ctr's defaults are /run/containerd/{runc,fifo}).
# containerd 1.6 still puts shim sockets in /run/containerd/s whatever its config says.
run_() { ctr_ run --fifo-dir "$T/fifo" --runc-root "$T/runc" "$@"; }

names=("$@")
((${#names[@]})) || mapfile -t names < <(bash "$ROOT/scripts/images.sh" list | cut -d' ' -f1)
CONTAINERD_ADDRESS="$ADDR" bash "$ROOT/scripts/images.sh" import "${names[@]}"

ref_of() { bash "$ROOT/scripts/images.sh" list | awk -v n="$1" '$1 == n {print $2}'; }

# check NAME EXPECT IMAGE CMD...: run CMD in IMAGE as 65534 (read-only root, tmpfs /tmp).
n=0
check() {
  local what="$1" expect="$2" image="$3"; shift 3
  local out rc=0 id="smoke-$((n += 1))"
  out="$(timeout 120 ctr --address "$ADDR" -n k8s.io run --fifo-dir "$T/fifo" --runc-root "$T/runc" --rm --read-only \
    --mount type=tmpfs,src=tmpfs,dst=/tmp,options=rw:nosuid:nodev:mode=1777 \
    "$image" "$id" setpriv --reuid=65534 --regid=65534 --clear-groups "$@" 2>&1)" || rc=$?
  if [[ $rc -eq 0 && "$out" == *"$expect"* ]]; then
    passed=$((passed + 1)); echo "ok   $what: $(echo "$out" | tail -n 1)"
  else
    failed=$((failed + 1)); echo "FAIL $what (exit $rc): $out"
  fi
}

for name in "${names[@]}"; do
  ref="$(ref_of "$name")"
  case "$name" in
    pause)
      # /pause runs as PID 1, reaps orphans re-parented to it, and exits 0 on SIGTERM.
      id="smoke-pause"; rc=0
      run_ --rm "$ref" "$id" >"$T/pause.out" 2>&1 &
      runner=$!
      sleep 2
      pid="$(ctr_ task ls | awk -v i="$id" '$1 == i && $3 == "RUNNING" {print $2}')"
      if [[ -z "$pid" ]]; then
        wait "$runner" || true
        failed=$((failed + 1)); echo "FAIL pause: not running after 2 s: $(cat "$T/pause.out")"
        continue
      fi
      py="$(ref_of python)"
      if grep -qx "$py" <<<"$(ctr_ images ls -q)"; then
        # Orphans in the shared PID namespace become children of /pause, which must reap them.
        run_ --rm --with-ns "pid:/proc/$pid/ns/pid" "$py" smoke-reaper \
          sh -c 'for i in 1 2 3; do (sleep 2 &); done; sleep 5' >/dev/null 2>&1 &
        reaper=$!
        adopted=0
        for _ in $(seq 40); do
          adopted="$(ps --ppid "$pid" -o comm= | grep -c sleep || true)"
          [[ "$adopted" -ge 1 ]] && break
          sleep 0.25
        done
        wait "$reaper" || true
        zombies="$(ps --ppid "$pid" -o stat= | grep -c Z || true)"
        if [[ "$adopted" -ge 1 && "$zombies" -eq 0 ]]; then passed=$((passed + 1)); echo "ok   pause: adopted $adopted orphans and reaped them"
        else failed=$((failed + 1)); echo "FAIL pause: adopted=$adopted zombies=$zombies"; fi
      fi
      ctr_ task kill -s SIGTERM "$id"
      wait "$runner" || rc=$?
      if [[ $rc -eq 0 ]]; then passed=$((passed + 1)); echo "ok   pause: exited 0 on SIGTERM"
      else failed=$((failed + 1)); echo "FAIL pause: exit $rc after SIGTERM: $(cat "$T/pause.out")"; fi
      continue ;;
    launcher)
      # /launcher only (no shell, no setpriv): it starts and lists its flags.
      out="$(timeout 60 ctr --address "$ADDR" -n k8s.io run --fifo-dir "$T/fifo" --runc-root "$T/runc" --rm \
        --user 65534:65534 "$ref" smoke-launcher /launcher -h 2>&1 || true)"
      if [[ "$out" == *"-spec"* ]]; then passed=$((passed + 1)); echo "ok   launcher: starts as 65534 and lists its flags"
      else failed=$((failed + 1)); echo "FAIL launcher: $out"; fi
      continue ;;
    python)
      check "python stdlib" "ok 3.13" "$ref" python3 -c \
        'import sys, json, sqlite3, ssl, decimal, asyncio, zlib, venv, ctypes; print("ok", sys.version.split()[0][:4])' ;;
    node)
      check "node version" "v24." "$ref" node -e 'console.log(process.version)' ;;
    gcc)
      check "g++ hello" "hello from c++" "$ref" sh -c \
        'cd /tmp && printf "#include <iostream>\nint main(){std::cout<<\"hello from c++\"<<std::endl;}\n" >m.cpp && g++ -O2 -o m m.cpp && ./m'
      check "gcc hello" "hello from c" "$ref" sh -c \
        'cd /tmp && printf "#include <stdio.h>\nint main(void){puts(\"hello from c\");return 0;}\n" >m.c && gcc -O2 -o m m.c && ./m' ;;
    java)
      check "java single-file source" "hello from java 25" "$ref" sh -c \
        'cd /tmp && printf "public class Main { public static void main(String[] a) { System.out.println(\"hello from java \" + Runtime.version().feature()); } }\n" >Main.java && java Main.java' ;;
  esac
  check "$name: nobody exists" "nobody" "$ref" sh -c 'getent passwd 65534 | cut -d: -f1'
  # Every Debian-based image carries the launcher (its second layer): 0555, root's, and it runs.
  check "$name: /opt/code-runner/launcher" "launcher 555 0:0" "$ref" sh -c \
    'if /opt/code-runner/launcher -h 2>&1 | grep -q -- -spec; then stat -c "launcher %a %u:%g" /opt/code-runner/launcher; fi'
  check "$name: no setuid/setgid files" "none" "$ref" sh -c \
    'f=$(find / -xdev -type f -perm /6000 2>/dev/null); echo "${f:-none}"'
done

# The CRI (what the kubelet talks to): every image is known by its reference, the pause image
# serves as the pod sandbox, and a container runs as uid 65534. Needs Go (test/images/cricheck).
if command -v go >/dev/null && [[ "${SMOKE_CRI:-1}" == 1 ]]; then
  cache="${CODE_RUNNER_CACHE:-$HOME/.cache/code-runner}/images/tools"
  mkdir -p "$cache"
  key="$(cat "$ROOT/test/images/cricheck/"{main.go,go.mod,go.sum} | sha256sum | cut -c1-12)"
  bin="$cache/cricheck-$key"
  if [[ ! -x "$bin" ]]; then
    (cd "$ROOT/test/images/cricheck" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -o "$bin.tmp" . && mv "$bin.tmp" "$bin") ||
      { failed=$((failed + 1)); echo "FAIL building test/images/cricheck"; }
  fi
  if [[ -x "$bin" ]]; then
    refs=()
    for name in "${names[@]}"; do refs+=("$(ref_of "$name")"); done
    run_ref="$(ref_of python)"
    args=(-endpoint "$ADDR" -logdir "$T/cri-logs")
    if [[ " ${names[*]} " == *" python "* && " ${names[*]} " == *" pause "* ]]; then
      args+=(-run "$run_ref" -cmd '["python3","-c","import os; print(os.getuid(), os.getcwd())"]' -expect "65534 /tmp")
    fi
    if out="$("$bin" "${args[@]}" "${refs[@]}" 2>&1)"; then
      passed=$((passed + 1)); echo "$out"
    else
      failed=$((failed + 1)); echo "$out"
    fi
  fi
fi

echo "$passed passed, $failed failed"
((failed == 0))
