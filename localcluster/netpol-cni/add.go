package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// add isolates a new pod as the policies of its namespace say, then passes the previous result on.
// Every error returns before the result is written, so the runtime fails the sandbox (fail closed).
func (p *plugin) add(stdout io.Writer) error {
	prev := p.conf.PrevResult
	if len(prev) == 0 || string(prev) == "null" {
		return fmt.Errorf("no prevResult (must be chained after the bridge plugin)")
	}
	ns, pod, ip := p.env.Arg("K8S_POD_NAMESPACE"), p.env.Arg("K8S_POD_NAME"), podIPv4(prev)
	if ns == "" || pod == "" || ip == "" {
		p.log.Printf("container %s: not a Kubernetes pod with an IPv4 address (ns='%s' pod='%s' ip='%s'): nothing to do",
			orUnknown(p.env.ContainerID), ns, pod, ip)
		return writePrev(stdout, prev)
	}
	id := ruleID(p.env)

	// API reads and the decision run before the lock, so concurrent ADDs do not queue behind them.
	api, err := newAPIClient(p.conf, p.apiTimeout)
	if err != nil {
		return fmt.Errorf("cannot set up the API client: %w", err)
	}
	pols, err := api.networkPolicies(ns)
	if err != nil {
		return fmt.Errorf("cannot list NetworkPolicies of %s: %w", ns, err)
	}
	var d Decision
	if len(pols) > 0 {
		podObj, err := api.pod(ns, pod)
		if err != nil {
			return fmt.Errorf("cannot read pod %s/%s: %w", ns, pod, err)
		}
		d = Decide(podObj, pols)
	}

	unlock, err := p.fw.Lock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := p.fw.EnsureChain(); err != nil {
		return fmt.Errorf("cannot set up the %s chain: %w", chain, err)
	}
	// an IP reused after an unclean stop (no DEL) must not keep another pod's rules
	if n, _ := p.fw.DeleteRules(" " + ip + "/32 "); n > 0 {
		p.log.Printf("removed %d rule(s) matching ' %s/32 '", n, ip)
	}
	if len(pols) == 0 {
		return writePrev(stdout, prev)
	}
	if (d.Ingress || d.Egress) && p.env.Netns != "" {
		p.fw.DisableIPv6(p.env.Netns)
	}
	if d.Egress {
		if err := p.fw.Drop("egress", ip, id); err != nil {
			return fmt.Errorf("cannot add the egress rule for %s: %w", ip, err)
		}
	}
	if d.Ingress {
		if err := p.fw.Drop("ingress", ip, id); err != nil {
			return fmt.Errorf("cannot add the ingress rule for %s: %w", ip, err)
		}
	}
	if d.RulesIgnored {
		p.log.Printf("WARNING %s/%s: allow rules of its NetworkPolicies are not implemented; isolated anyway", ns, pod)
	}
	p.log.Printf("pod %s/%s ip %s container %s: ingress-isolated=%d egress-isolated=%d",
		ns, pod, ip, p.env.ShortID(), b2i(d.Ingress), b2i(d.Egress))
	return writePrev(stdout, prev)
}

// writePrev passes the previous plugin's result on unchanged (compacted, as `jq -c` did).
func writePrev(w io.Writer, prev json.RawMessage) error {
	var buf bytes.Buffer
	if err := json.Compact(&buf, prev); err != nil {
		return fmt.Errorf("invalid prevResult: %w", err)
	}
	buf.WriteByte('\n')
	_, err := w.Write(buf.Bytes())
	return err
}

func orUnknown(s string) string {
	if s == "" {
		return "?"
	}
	return s
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
