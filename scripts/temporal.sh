#!/usr/bin/env bash
# The project's own Temporal: the Temporal CLI dev server (pinned, built from source), on a SQLite file so
# histories survive restarts, with the search attributes the product uses and the Web UI.
# Usage: temporal.sh up|down|status|restart
source "$(dirname "$0")/lib.sh"

TDIR="$DATA/temporal"
LOGFILE="$TDIR/temporal.log"
# Machine-wide, like the cluster: one dev server per machine, owned by the clone that last ran `up`.
# The pid file lives outside the clone so a fresh clone (CI) can stop a server another clone left running.
RUNDIR="${CODE_RUNNER_RUN:-/run/code-runner}/temporal"
PIDFILE="$RUNDIR/temporal.pid"
OWNERFILE="$RUNDIR/owner"
PORT="${TEMPORAL_PORT:-7233}"
UI_PORT="${TEMPORAL_UI_PORT:-8233}"
# Prometheus metrics (/metrics); the scale benchmark reads the server's request counts from it.
METRICS_PORT="${TEMPORAL_METRICS_PORT:-9233}"
IP="${TEMPORAL_IP:-127.0.0.1}"
# Keep in step with SEARCH_ATTRIBUTES in src/workflows/definitions.ts.
SEARCH_ATTRS=(RunStatus=Keyword RunLanguage=Keyword RunNode=Keyword RunPod=Keyword RunTenant=Keyword)

running() {
  [ -f "$PIDFILE" ] || return 1
  local pid; pid="$(cat "$PIDFILE")"
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "server start-dev"
}
ours() { running && [ "$(cat "$OWNERFILE" 2>/dev/null)" = "$TDIR" ]; }
answering() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

# The server's command line, minus nothing: a change (new flags in a new commit) restarts a running server.
server_args() {
  ARGS=(server start-dev --db-filename "$TDIR/temporal.db" --ip "$IP" --port "$PORT" --ui-port "$UI_PORT"
    --metrics-port "$METRICS_PORT" --namespace default --log-level warn --log-format json
    # WAL with synchronous=NORMAL: commits survive a crash of the server (not a power cut) and cost no
    # fsync each; the default rollback journal made SQLite's fsyncs the dev server's bottleneck.
    --sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal
    # A worker that schedules an activity gets it back in the same response (no extra poll round trip).
    --dynamic-config-value system.enableActivityEagerExecution=true)
  for sa in "${SEARCH_ATTRS[@]}"; do ARGS+=(--search-attribute "$sa"); done
  # The Go environment is recorded with the arguments (not passed as one), so a new value restarts the server.
  SIGNATURE="${LOCAL_GO_ENV[*]} ${ARGS[*]}"
}

up() {
  server_args
  # A server whose database file is gone (its clone deleted and cloned again at the same path) would
  # lose everything at its next restart: restart it now, on a file that exists.
  if ours && answering && [ "$(cat "$RUNDIR/args" 2>/dev/null)" = "$SIGNATURE" ] && [ -f "$TDIR/temporal.db" ]; then
    ensure_search_attributes
    log "temporal: already up (pid $(cat "$PIDFILE")), UI http://localhost:$UI_PORT"
    return
  fi
  if ours; then log "temporal: running with other flags or without its database file: restarting it"; down; fi
  if running; then log "temporal: taking over from $(cat "$OWNERFILE" 2>/dev/null || echo 'another clone')"; down; fi
  bash "$ROOT/scripts/build-go-tools.sh" temporal
  mkdir -p "$TDIR" "$RUNDIR"
  if answering; then
    die "temporal: port $PORT is taken by another process ($(ss -ltnp "sport = :$PORT" 2>/dev/null | tail -n +2 | awk '{print $NF}' | head -1)); stop it or set TEMPORAL_PORT"
  fi
  log "temporal: starting dev server on $IP:$PORT (log: $LOGFILE)"
  setsid env "${LOCAL_GO_ENV[@]}" "$TEMPORAL_BIN/temporal" "${ARGS[@]}" >>"$LOGFILE" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  echo "$SIGNATURE" >"$RUNDIR/args"
  echo "$TDIR" >"$OWNERFILE"
  for _ in $(seq 1 120); do
    if answering && "$TEMPORAL_BIN/temporal" operator namespace describe --address "127.0.0.1:$PORT" -n default >/dev/null 2>&1; then
      ensure_search_attributes
      log "temporal: up in ${SECONDS}s: grpc 127.0.0.1:$PORT, Web UI http://localhost:$UI_PORT"
      return
    fi
    running || die "temporal: dev server exited during start-up; see $LOGFILE (last line: $(tail -n 1 "$LOGFILE"))"
    sleep 0.5
  done
  die "temporal: dev server did not answer within 60s; see $LOGFILE"
}

# The dev server registers --search-attribute only in a new database: one added later (RunTenant) is created
# here in an existing one.
ensure_search_attributes() {
  local have sa
  have="$("$TEMPORAL_BIN/temporal" operator search-attribute list --address "127.0.0.1:$PORT" -n default 2>/dev/null)"
  for sa in "${SEARCH_ATTRS[@]}"; do
    grep -qw "${sa%%=*}" <<<"$have" && continue
    "$TEMPORAL_BIN/temporal" operator search-attribute create --address "127.0.0.1:$PORT" -n default \
      --name "${sa%%=*}" --type "${sa#*=}" >/dev/null || die "temporal: cannot create search attribute ${sa%%=*}"
    log "temporal: search attribute ${sa%%=*} created"
  done
}

down() {
  if running; then
    local pid; pid="$(cat "$PIDFILE")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
    log "temporal: stopped"
  fi
  rm -f "$PIDFILE" "$OWNERFILE"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  restart) down; up ;;
  status) if ours && answering; then echo "temporal: up (pid $(cat "$PIDFILE")) grpc 127.0.0.1:$PORT ui http://localhost:$UI_PORT"; else echo "temporal: down"; exit 1; fi ;;
  *) die "usage: $0 up|down|status|restart" ;;
esac
