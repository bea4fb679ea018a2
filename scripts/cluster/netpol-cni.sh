#!/usr/bin/env bash
# code-runner-netpol: a chained CNI plugin that enforces NetworkPolicy *isolation* on the local cluster.
# Installed by scripts/cluster.sh as $CNI_BIN_DIR/code-runner-netpol, last in the code-runner conflist.
#
# Why: the bridge CNI enforces no NetworkPolicy, and the policy engines (kube-router, kube-network-policies)
# are not available through this machine's Go module proxy. This plugin runs inside the pod's CNI ADD,
# i.e. before any container of the pod starts, so there is no window in which user code has network.
#
# What it enforces, per pod at sandbox creation:
#   - a pod selected (podSelector: matchLabels / matchExpressions) by a NetworkPolicy of its namespace
#     whose policyTypes include Egress is egress-isolated: every new connection it opens is dropped
#     (other pods, the node and its ports, Services such as 10.96.0.1, the internet);
#   - likewise Ingress: every new connection to it (from pods or the node) is dropped;
#   - replies of allowed connections pass (conntrack ESTABLISHED/RELATED), as NetworkPolicy says;
#   - allow rules (ingress:/egress: entries) are NOT implemented: a selected pod is isolated in that
#     direction anyway (stricter than the spec; the product only ships deny-all) and a warning is logged;
#   - IPv6 is switched off inside every isolated pod's network namespace (no link-local path to the node).
# Rules live in the mangle chain CNI-CR-NETPOL (jumped to first from PREROUTING and POSTROUTING), one
# per pod and direction, commented with the container id; DEL removes them. `cluster.sh down` purges
# the chain with the other CNI-* chains. Policies created or changed after a pod started apply to the
# pods started after that (runner pods live seconds; the worker applies its policy before any Job).
# Fail closed: if the API server cannot be asked, ADD fails and the kubelet retries the sandbox.
set -uo pipefail
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CHAIN=CNI-CR-NETPOL
IPT=(iptables -w 10 -t mangle)

conf=$(cat)
cfg() { jq -r --arg k "$1" '.[$k] // empty' <<<"$conf"; }
LOG_FILE=$(cfg logFile)
logm() {
  [ -z "$LOG_FILE" ] || printf '%s %s %s\n' "$(date -u +%FT%TZ)" "${CNI_COMMAND:-?}" "$*" >>"$LOG_FILE" 2>/dev/null || true
}
fail() { # CNI error result on stdout, exit 1
  logm "ERROR $1"
  jq -cn --arg v "$(cfg cniVersion)" --arg m "$1" '{cniVersion: $v, code: 999, msg: ("code-runner-netpol: " + $m)}'
  exit 1
}
cni_arg() { tr ';' '\n' <<<"${CNI_ARGS:-}" | sed -n "s/^$1=//p" | head -n 1; }

api_get() {
  curl -sS --fail --max-time 5 --cacert "$(cfg caFile)" --cert "$(cfg certFile)" --key "$(cfg keyFile)" \
    "$(cfg apiServer)$1"
}

# delete_rules PATTERN: delete every rule of our chain whose spec contains PATTERN, by spec (never by
# position: a concurrent ADD/DEL would shift positions). Our tokens hold no spaces, so splitting is safe.
delete_rules() {
  local line n=0
  while IFS= read -r line; do
    # shellcheck disable=SC2086
    "${IPT[@]}" -D ${line#-A } 2>/dev/null && n=$((n + 1))
  done < <("${IPT[@]}" -S "$CHAIN" 2>/dev/null | grep -F -- "$1" | tr -d '"')
  [ $n = 0 ] || logm "removed $n rule(s) matching '$1'"
  return 0
}

# ensure_chain: the chain exists and is the first rule of PREROUTING and POSTROUTING.
ensure_chain() {
  "${IPT[@]}" -N "$CHAIN" 2>/dev/null || true
  local hook
  for hook in PREROUTING POSTROUTING; do
    [ "$("${IPT[@]}" -S "$hook" 2>/dev/null | sed -n 2p)" = "-A $hook -j $CHAIN" ] && continue
    # first insert at the top, then drop later copies: traffic is never without the jump
    "${IPT[@]}" -I "$hook" 1 -j "$CHAIN" || return 1
    local nums n
    nums=$("${IPT[@]}" -L "$hook" -n --line-numbers | awk -v c="$CHAIN" '$1 > 1 && $2 == c { print $1 }' | sort -rn)
    for n in $nums; do "${IPT[@]}" -D "$hook" "$n" 2>/dev/null || true; done
  done
}

# policy decision for one pod: prints "<ingress 0|1> <egress 0|1> <rules-ignored 0|1>"
decide() { # POD_JSON POLICIES_JSON
  jq -rn --argjson pod "$1" --argjson pols "$2" '
    def sel($labels):
      ((.matchLabels // {}) | to_entries | all(.value as $v | $labels[.key] == $v)) and
      ((.matchExpressions // []) | all(. as $e | $labels[$e.key] as $l |
        if $e.operator == "In" then ($l != null and any($e.values[]; . == $l))
        elif $e.operator == "NotIn" then ($l == null or all($e.values[]; . != $l))
        elif $e.operator == "Exists" then ($labels | has($e.key))
        elif $e.operator == "DoesNotExist" then ($labels | has($e.key) | not)
        else true end));
    ($pod.metadata.labels // {}) as $labels
    | [ $pols.items[] | .spec | select(.podSelector | sel($labels))
        | {types: (.policyTypes // (["Ingress"] + (if .egress then ["Egress"] else [] end))),
           rules: (((.ingress // []) | length) + ((.egress // []) | length))} ] as $sel
    | [ (if any($sel[]; .types | index("Ingress")) then 1 else 0 end),
        (if any($sel[]; .types | index("Egress")) then 1 else 0 end),
        (if any($sel[]; .rules > 0) then 1 else 0 end) ] | map(tostring) | join(" ")'
}

# One plugin invocation at a time changes the chain. Only the iptables changes are serialized: the API
# reads and the policy decision run outside the lock, so a burst of pods (20 at once on 2 cores) does not
# queue whole invocations behind each other and time out.
lock() {
  exec 8>"${TMPDIR:-/tmp}/code-runner-netpol.lock"
  flock -w 120 8 || fail "timed out waiting for the plugin lock"
}

case "${CNI_COMMAND:-}" in
  VERSION)
    echo '{"cniVersion":"1.0.0","supportedVersions":["0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]}'
    exit 0
    ;;
  CHECK | STATUS | GC) exit 0 ;;
  DEL)
    [ -n "${CNI_CONTAINERID:-}" ] && lock && delete_rules "cr-netpol:${CNI_CONTAINERID:0:16}"
    exit 0
    ;;
  ADD) ;;
  *) fail "unknown CNI_COMMAND '${CNI_COMMAND:-}'" ;;
esac

prev=$(jq -c '.prevResult // empty' <<<"$conf")
[ -n "$prev" ] || fail "no prevResult (must be chained after the bridge plugin)"
ns=$(cni_arg K8S_POD_NAMESPACE)
pod=$(cni_arg K8S_POD_NAME)
ip=$(jq -r '[.ips[]?.address | select(contains("."))][0] // empty | split("/")[0]' <<<"$prev")
if [ -z "$ns" ] || [ -z "$pod" ] || [ -z "$ip" ]; then
  logm "container ${CNI_CONTAINERID:-?}: not a Kubernetes pod with an IPv4 address (ns='$ns' pod='$pod' ip='$ip'): nothing to do"
  echo "$prev"
  exit 0
fi
id="cr-netpol:${CNI_CONTAINERID:0:16}"

pols=$(api_get "/apis/networking.k8s.io/v1/namespaces/$ns/networkpolicies") || fail "cannot list NetworkPolicies of $ns"
npol=$(jq '.items | length' <<<"$pols")
ingress=0 egress=0 ignored=0
if [ "$npol" != 0 ]; then
  podj=$(api_get "/api/v1/namespaces/$ns/pods/$pod") || fail "cannot read pod $ns/$pod"
  read -r ingress egress ignored < <(decide "$podj" "$pols") || fail "cannot evaluate the policies of $ns"
fi
lock
ensure_chain || fail "cannot set up the $CHAIN chain"
# an IP reused after an unclean stop (no DEL) must not keep another pod's rules
delete_rules " $ip/32 "
if [ "$npol" = 0 ]; then
  echo "$prev"
  exit 0
fi
if [ "$ingress" = 1 ] || [ "$egress" = 1 ]; then
  if [ -n "${CNI_NETNS:-}" ]; then
    nsenter --net="$CNI_NETNS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
      >/dev/null 2>&1 || true
  fi
fi
if [ "$egress" = 1 ]; then
  "${IPT[@]}" -A "$CHAIN" -s "$ip/32" -m comment --comment "$id" -m conntrack ! --ctstate ESTABLISHED,RELATED -j DROP ||
    fail "cannot add the egress rule for $ip"
fi
if [ "$ingress" = 1 ]; then
  "${IPT[@]}" -A "$CHAIN" -d "$ip/32" -m comment --comment "$id" -m conntrack ! --ctstate ESTABLISHED,RELATED -j DROP ||
    fail "cannot add the ingress rule for $ip"
fi
[ "$ignored" = 1 ] && logm "WARNING $ns/$pod: allow rules of its NetworkPolicies are not implemented; isolated anyway"
logm "pod $ns/$pod ip $ip container ${CNI_CONTAINERID:0:16}: ingress-isolated=$ingress egress-isolated=$egress"
echo "$prev"
