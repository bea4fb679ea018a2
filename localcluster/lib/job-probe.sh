# shellcheck shell=bash
# Does the Job controller act? Sourced by localcluster/cluster.sh (up, status).
# The controller-manager's /healthz only says that the process serves: with informers gone stale (after an
# API server restart, see cmd_up in localcluster/cluster.sh) it answers ok while its Job controller ignores Jobs.

JOB_PROBE_NS=kube-system

# job_probe_manifest NAME: a suspended Job. The Job controller marks it Suspended and never makes a pod.
# An interrupted probe leaves one behind: delete them by their label code-runner.dev/probe=job-controller.
job_probe_manifest() {
  cat <<EOF
{"apiVersion":"batch/v1","kind":"Job",
 "metadata":{"name":"$1","labels":{"code-runner.dev/probe":"job-controller"}},
 "spec":{"suspend":true,"template":{"spec":{"restartPolicy":"Never",
  "containers":[{"name":"probe","image":"$PAUSE_IMAGE","imagePullPolicy":"Never"}]}}}}
EOF
}

# job_controller_acts [TIMEOUT]: creates a suspended Job in $JOB_PROBE_NS, waits up to TIMEOUT seconds
# (default 20) for the Job controller to write its Suspended condition, then deletes it.
# Prints what it found ("acts (...)", "does not act (...)", "cannot be probed (...)"); succeeds if it acts.
job_controller_acts() {
  local timeout="${1:-20}" name path t0 code s deadline
  local marked='"type":"Suspended","status":"True"'
  name="job-controller-probe-$(date +%s)-$RANDOM"
  path="/apis/batch/v1/namespaces/$JOB_PROBE_NS/jobs"
  t0=$(now)
  code=$(api_send POST "$path" "$(job_probe_manifest "$name")" 2>/dev/null) || true
  if [ "$code" != 201 ]; then
    echo "cannot be probed (creating a Job in $JOB_PROBE_NS answered HTTP ${code:-000})"
    return 1
  fi
  deadline=$((SECONDS + timeout))
  while :; do
    s=$(api_get "$path/$name" 2>/dev/null) || s=""
    if [[ $s == *"$marked"* ]] || [ $SECONDS -ge $deadline ]; then break; fi
    sleep 0.1
  done
  api_send DELETE "$path/$name?propagationPolicy=Background" >/dev/null 2>&1 || true
  if [[ $s == *"$marked"* ]]; then
    echo "acts (marked a suspended Job in $(elapsed "$t0")s)"
  else
    echo "does not act (the suspended Job $JOB_PROBE_NS/$name was not marked within ${timeout}s)"
    return 1
  fi
}
