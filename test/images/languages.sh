#!/usr/bin/env bash
# Runs every language of the registry (src/config/languages.ts) in its image the way the sandbox does,
# without a cluster: the launcher (launcher/, built by `images.sh path launcher`), itself running as
# uid/gid 65534 like in the pod, runs the language's compile argv once and its run argv per test, with
# cwd /workspace (writable, holding the program under the language's fileName), HOME and TMPDIR /tmp,
# and the language's limits.
#
#   bash test/images/languages.sh [ID...]        (default: every language)
#   KINDS="runtime-error" bash test/images/languages.sh [ID...]   (only some kinds of programs)
#
# Each image's layer is extracted once under $T/rootfs/<image> (re-extracted when its archive changes).
# Each run happens in private mount, PID, network, UTS and IPC namespaces: the root is bind-mounted
# read-only, with a tmpfs /tmp (TMP_MB, default 256), /proc, a /dev with the nodes a container runtime
# creates (null zero full random urandom tty, fd, stdin/out/err, shm), and the workspace bind-mounted on
# /workspace; nothing stays mounted on the host. The image's Env and the language's env are passed on.
#
# Programs: test/fixtures/languages/<id>.<ext> (A+B: "2 3\n" -> "5\n", "-7 10\n" -> "3\n"),
# test/fixtures/hello/<id>.<ext> ("Hello, World!\n", no stdin) and test/fixtures/runtime-error/<id>.<ext>
# (prints "before\n", then fails at run time: passes when it compiled, the verdict is RuntimeError and
# stdout is exactly "before\n"). KINDS (default "aplusb hello runtime-error") picks which kinds run; a
# missing A+B or runtime-error program fails, a missing hello-world one is skipped. Prints one line per
# program with the verdict (and the tests' exit codes or signals when not 0), the compile time
# (wall/CPU/peak memory), the slowest test's run time, the /tmp and /workspace bytes left, and a closing
# "N passed, N failed" line. JSON results: $T/results/<id>-<kind>.json.
# Ad hoc: PROGRAM=FILE [PROGRAM_STDIN=TEXT] bash test/images/languages.sh ID runs FILE as language ID
# instead (judged by exit status and limits only).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
T="${LANG_TEST_DIR:-/tmp/code-runner-lang-test}"
TMP_MB="${TMP_MB:-256}"
KINDS="${KINDS:-aplusb hello runtime-error}"
NODE="$ROOT/node_modules/.bin/node"
PATH="$PATH:/usr/sbin:/sbin"
mkdir -p "$T/rootfs" "$T/results" "$T/ws"

# The registry, as JSON (Node 24 strips the types of the .ts file).
registry="$("$NODE" --no-warnings --input-type=module -e \
  'const m = await import(process.argv[1]); console.log(JSON.stringify(m.DEFAULT_LANGUAGES))' \
  "$ROOT/src/config/languages.ts")"
ids=("$@")
((${#ids[@]})) || mapfile -t ids < <(jq -r '.[].id' <<<"$registry")

launcher="$(bash "$ROOT/scripts/images.sh" path launcher | tail -n 1)"
LAUNCHER_BIN="$T/launcher"
tar -xOf "$launcher" "$(tar -xOf "$launcher" manifest.json | jq -r '.[0].Layers[0]')" | tar -xO ./launcher >"$LAUNCHER_BIN"
chmod 0755 "$LAUNCHER_BIN"

# rootfs NAME: extract image NAME's layer (once per archive); prints the directory.
rootfs() {
  local name="$1" archive dir layer
  archive="$(bash "$ROOT/scripts/images.sh" path "$name" | tail -n 1)"
  dir="$T/rootfs/$name"
  if [[ "$(cat "$dir.archive" 2>/dev/null)" != "$archive" ]]; then
    if findmnt -rn -o TARGET | grep -q "^$dir"; then echo "ERROR: mounts below $dir" >&2; exit 1; fi
    rm -rf --one-file-system "$dir"
    mkdir -p "$dir"
    layer="$(tar -xOf "$archive" manifest.json | jq -r '.[0].Layers[0]')"
    tar -xOf "$archive" "$layer" | tar -x --numeric-owner -p -C "$dir"
    # Mount points the run needs: the workspace and the launcher (mounted over an empty file).
    mkdir -p "$dir/workspace" "$dir/.code-runner"
    : >"$dir/.code-runner/launcher"
    echo "$archive" >"$dir.archive"
  fi
  echo "$dir"
}

# image_env NAME: the image config's Env, one per line.
image_env() {
  local archive cfg
  archive="$(bash "$ROOT/scripts/images.sh" path "$1" | tail -n 1)"
  cfg="$(tar -xOf "$archive" manifest.json | jq -r '.[0].Config')"
  tar -xOf "$archive" "$cfg" | jq -r '.config.Env[]'
}

# The part that runs inside the namespaces: $1 rootfs, $2 workspace, $3 launcher, $4 nonce, env after --.
# shellcheck disable=SC2016 # expanded by the inner bash
INNER='
set -euo pipefail
R="$1" WS="$2" L="$3" NONCE="$4"; shift 5
mount --make-rprivate /
mount --bind "$R" "$R"
mount -t tmpfs -o "size=${TMP_MB}m,mode=1777,nosuid,nodev" tmpfs "$R/tmp"
mount --bind "$WS" "$R/workspace"
mount --bind "$L" "$R/.code-runner/launcher"
mount -t proc -o nosuid,nodev,noexec proc "$R/proc"
mount -t tmpfs -o mode=755,nosuid,noexec tmpfs "$R/dev"
mknod -m 666 "$R/dev/null" c 1 3; mknod -m 666 "$R/dev/zero" c 1 5; mknod -m 666 "$R/dev/full" c 1 7
mknod -m 666 "$R/dev/random" c 1 8; mknod -m 666 "$R/dev/urandom" c 1 9; mknod -m 666 "$R/dev/tty" c 5 0
ln -s /proc/self/fd "$R/dev/fd"; ln -s /proc/self/fd/0 "$R/dev/stdin"
ln -s /proc/self/fd/1 "$R/dev/stdout"; ln -s /proc/self/fd/2 "$R/dev/stderr"
mkdir "$R/dev/shm"; mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$R/dev/shm"
mount -o remount,bind,ro "$R"
ip link set lo up 2>/dev/null || true
rc=0
env -i "$@" chroot --userspec=65534:65534 --groups=65534 "$R" \
  /.code-runner/launcher -spec /workspace/.spec.json -result "" -nonce "$NONCE" \
  >"$WS/../launcher.out" 2>"$WS/../launcher.err" || rc=$?
du -sk "$R/tmp" | cut -f1 >"$WS/../tmp.kb"
exit "$rc"
'

passed=0 failed=0
# run_one ID KIND SOURCE TESTS_JSON [VERDICT STDOUT]: passes on verdict VERDICT (default Accepted) and,
# when STDOUT is given, every test's stdout exactly STDOUT (and a compile, if any, that succeeded).
run_one() {
  local id="$1" kind="$2" src="$3" tests="$4" want="${5:-Accepted}" lang name dir work ws nonce out res line
  lang="$(jq -c --arg id "$id" '.[] | select(.id == $id)' <<<"$registry")"
  name="$(jq -r '.imageName' <<<"$lang")"
  dir="$(rootfs "$name")"
  work="$T/ws/$id-$kind"
  rm -rf "$work"; mkdir -p "$work/workspace"
  ws="$work/workspace"
  cp "$src" "$ws/$(jq -r .fileName <<<"$lang")"
  jq -n --argjson l "$lang" --argjson tests "$tests" '{
      compile: (if $l.compile then {command: $l.compile, limits: ($l.limits.compile // {})} else null end),
      run: {command: $l.command, args: []},
      workdir: "/workspace", scratch: "/tmp", tests: $tests, compare: {mode: "exact"},
      limits: ($l.limits.run // {}), stop_on_first_failure: false}' >"$ws/.spec.json"
  chown -R 65534:65534 "$ws"
  local envs=()
  mapfile -t envs < <(image_env "$name"; jq -r '(.env // {}) | to_entries[] | "\(.key)=\(.value)"' <<<"$lang")
  nonce="t$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  TMP_MB="$TMP_MB" unshare --mount --pid --fork --net --uts --ipc \
    bash -c "$INNER" inner "$dir" "$ws" "$LAUNCHER_BIN" "$nonce" -- "${envs[@]}" || true
  out="$work/launcher.out"
  res="$T/results/$id-$kind.json"
  # The result: base64 between the last "--- code-runner-result NONCE ---" and "--- end NONCE ---".
  awk -v b="--- code-runner-result $nonce ---" -v e="--- end $nonce ---" \
    '$0 == b {buf = ""; on = 1; next} $0 == e {on = 0; last = buf; next} on {buf = buf $0} END {print last}' "$out" |
    base64 -d >"$res" 2>/dev/null || true
  if [[ ! -s "$res" ]]; then
    failed=$((failed + 1))
    echo "FAIL $id $kind: no result ($(tail -n 2 "$work/launcher.err" "$out" | tr '\n' ' '))"
    return
  fi
  line="$(jq -r --arg tmp "$(cat "$work/tmp.kb" 2>/dev/null || echo '?')" --arg ws "$(du -sk "$ws" | cut -f1)" '
    def ms(x): if x == null then "-" else "\(x)" end;
    (if .compile then "compile \(.compile.time_ms)ms cpu \(.compile.cpu_time_ms)ms mem \((.compile.memory_kb / 1024) | floor)MB" else "no compile" end) as $c
    | ([.tests[]? | .wall_time_ms] | max) as $w | ([.tests[]? | .cpu_time_ms] | max) as $cpu
    | ([.tests[]? | .memory_kb] | max) as $m
    | ([.tests[]? | if .signal then .signal elif .exit_code != 0 then "exit \(.exit_code)" else empty end]
       | unique | join(",")) as $how
    | "\(.verdict)\(if $how != "" then " (\($how))" else "" end) | \($c) | run \(ms($w))ms cpu \(ms($cpu))ms mem \(if $m then ($m / 1024 | floor) else "-" end)MB | tmp \($tmp)KB ws \($ws)KB"' "$res")"
  if jq -e --arg v "$want" --arg out "${6-}" --arg check "${6+y}" '.verdict == $v
      and (.compile == null or .compile.status == "Success")
      and ($check == "" or ([.tests[] | select(.stdout != $out)] | length == 0))' "$res" >/dev/null; then
    passed=$((passed + 1)); echo "ok   $id $kind: $line"
  else
    failed=$((failed + 1))
    echo "FAIL $id $kind: $line"
    jq -r '"  \(.message)", (.compile // {} | "  compile stderr: \(.stderr // "" | .[0:600])"),
      (.tests[]? | select(.verdict != $v or ($check != "" and .stdout != $out))
        | "  test: \(.verdict) \(.message) exit \(.exit_code) \(.signal) stdout: \(.stdout[0:200] | @json) stderr: \(.stderr[0:600])")' \
      --arg v "$want" --arg out "${6-}" --arg check "${6+y}" "$res"
  fi
}

for id in "${ids[@]}"; do
  lang="$(jq -c --arg id "$id" '.[] | select(.id == $id)' <<<"$registry")"
  [[ -n "$lang" ]] || { echo "FAIL $id: not in the registry"; failed=$((failed + 1)); continue; }
  if [[ -n "${PROGRAM:-}" ]]; then
    run_one "$id" program "$PROGRAM" "$(jq -n --arg s "${PROGRAM_STDIN:-}" '[{stdin: $s, expected_output: null}]')"
    continue
  fi
  ext="$(jq -r '.fileName | split(".") | last' <<<"$lang")"
  src="$ROOT/test/fixtures/languages/$id.$ext"
  if [[ " $KINDS " == *" aplusb "* ]]; then
    if [[ -f "$src" ]]; then
      run_one "$id" aplusb "$src" '[{"stdin": "2 3\n", "expected_output": "5\n"}, {"stdin": "-7 10\n", "expected_output": "3\n"}]'
    else
      echo "FAIL $id: no $src"; failed=$((failed + 1))
    fi
  fi
  hello="$ROOT/test/fixtures/hello/$id.$ext"
  if [[ " $KINDS " == *" hello "* && -f "$hello" ]]; then
    run_one "$id" hello "$hello" '[{"stdin": "", "expected_output": "Hello, World!\n"}]'
  fi
  rte="$ROOT/test/fixtures/runtime-error/$id.$ext"
  if [[ " $KINDS " == *" runtime-error "* ]]; then
    if [[ -f "$rte" ]]; then
      run_one "$id" runtime-error "$rte" '[{"stdin": "", "expected_output": null}]' RuntimeError $'before\n'
    else
      echo "FAIL $id: no $rte"; failed=$((failed + 1))
    fi
  fi
done
echo "$passed passed, $failed failed"
((failed == 0))
