// code-runner-netpol: a chained CNI plugin that enforces NetworkPolicy *isolation* on the local cluster.
// Installed by localcluster/cluster.sh as $CNI_BIN_DIR/code-runner-netpol, last in the code-runner conflist.
//
// Why: the bridge CNI enforces no NetworkPolicy, and no policy engine is available to this machine. The
// plugin runs inside the pod's CNI ADD, before any container of the pod starts, so user code never has
// network before its isolation is in place.
//
// What it enforces, per pod at sandbox creation:
//   - a pod selected (podSelector: matchLabels / matchExpressions) by a NetworkPolicy of its namespace
//     whose policyTypes include Egress is egress-isolated: every new connection it opens is dropped;
//   - likewise Ingress: every new connection to it (from pods or the node) is dropped;
//   - replies of allowed connections pass (conntrack ESTABLISHED/RELATED), as NetworkPolicy says;
//   - allow rules (ingress:/egress: entries) are NOT implemented: a selected pod is isolated in that
//     direction anyway (stricter than the spec; the product only ships deny-all) and a warning is logged;
//   - IPv6 is switched off inside every isolated pod's network namespace (no link-local path to the node).
//
// Rules live in the mangle chain CNI-CR-NETPOL, one per pod and direction, commented with the container
// id; DEL removes them. Policies created or changed after a pod started apply to pods started after that.
// Fail closed: if the API server cannot be asked, ADD fails and the kubelet retries the sandbox.
package main

import (
	"fmt"
	"io"
	"os"
	"time"
)

// apiTimeout: the whole of one API request.
const apiTimeout = 5 * time.Second

func main() {
	os.Setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
	p := plugin{env: envFromOS(), fw: iptablesFirewall{}, apiTimeout: apiTimeout}
	os.Exit(p.run(os.Stdin, os.Stdout))
}

type plugin struct {
	env        Env
	fw         firewall
	apiTimeout time.Duration
	conf       Config
	log        logger
}

// run handles one invocation and returns the exit code.
func (p *plugin) run(stdin io.Reader, stdout io.Writer) int {
	raw, _ := io.ReadAll(stdin)
	confErr := decodeConfig(raw, &p.conf)
	p.log = logger{file: p.conf.LogFile, command: p.env.Command}

	var err error
	switch p.env.Command {
	case "VERSION":
		fmt.Fprintln(stdout, `{"cniVersion":"1.0.0","supportedVersions":["0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]}`)
		return 0
	case "CHECK", "STATUS", "GC":
		return 0
	case "DEL":
		err = p.del()
	case "ADD":
		if confErr != nil {
			err = fmt.Errorf("invalid plugin config: %v", confErr)
		} else {
			err = p.add(stdout)
		}
	default:
		err = fmt.Errorf("unknown CNI_COMMAND '%s'", p.env.Command)
	}
	if err == nil {
		return 0
	}
	p.log.Printf("ERROR %s", err)
	writeJSON(stdout, errorResult{CNIVersion: p.conf.CNIVersion, Code: 999, Msg: "code-runner-netpol: " + err.Error()})
	return 1
}

// del removes the rules of the container; nothing else to undo.
func (p *plugin) del() error {
	if p.env.ContainerID == "" {
		return nil
	}
	unlock, err := p.fw.Lock()
	if err != nil {
		return err
	}
	defer unlock()
	if n, _ := p.fw.DeleteRules(ruleID(p.env)); n > 0 {
		p.log.Printf("removed %d rule(s) matching '%s'", n, ruleID(p.env))
	}
	return nil
}

func ruleID(e Env) string { return "cr-netpol:" + e.ShortID() }
