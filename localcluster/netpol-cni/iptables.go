package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// chain: our mangle chain, jumped to first from PREROUTING and POSTROUTING; `cluster.sh down` purges it.
const chain = "CNI-CR-NETPOL"

// firewall: what ADD and DEL change on the node. iptablesFirewall is the real one.
type firewall interface {
	Lock() (unlock func(), err error)
	EnsureChain() error
	DeleteRules(pattern string) (int, error)
	Drop(direction, ip, id string) error
	DisableIPv6(netns string)
}

type iptablesFirewall struct{}

// ipt runs `iptables -w 10 -t mangle ARGS...`; its stderr becomes part of the error.
func ipt(args ...string) ([]byte, error) {
	out, err := exec.Command("iptables", append([]string{"-w", "10", "-t", "mangle"}, args...)...).Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		err = fmt.Errorf("iptables %s: %s", strings.Join(args, " "), strings.TrimSpace(string(exit.Stderr)))
	}
	return out, err
}

// Lock: one plugin invocation at a time changes the chain, the same lock file as the bash plugin took.
// Only the iptables changes are serialized: a burst of pods does not queue whole invocations.
func (iptablesFirewall) Lock() (func(), error) {
	dir := os.Getenv("TMPDIR")
	if dir == "" {
		dir = "/tmp"
	}
	f, err := os.OpenFile(filepath.Join(dir, "code-runner-netpol.lock"), os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	for deadline := time.Now().Add(120 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) || time.Now().After(deadline) {
			f.Close()
			return nil, errors.New("timed out waiting for the plugin lock")
		}
	}
}

// EnsureChain: the chain exists and its jump is the first rule of PREROUTING and POSTROUTING.
func (iptablesFirewall) EnsureChain() error {
	_, _ = ipt("-N", chain) // exists already, usually
	jump := []string{"-j", chain}
	for _, hook := range []string{"PREROUTING", "POSTROUTING"} {
		out, _ := ipt("-S", hook)
		if firstRule(string(out)) == "-A "+hook+" -j "+chain {
			continue
		}
		// insert at the top first, then drop later copies: traffic is never without the jump
		if _, err := ipt(append([]string{"-I", hook, "1"}, jump...)...); err != nil {
			return fmt.Errorf("inserting the jump into %s: %w", hook, err)
		}
		out, _ = ipt("-L", hook, "-n", "--line-numbers")
		for _, n := range laterJumps(string(out)) {
			_, _ = ipt("-D", hook, strconv.Itoa(n))
		}
	}
	return nil
}

// firstRule: the first "-A" line of `iptables -S HOOK` (the line after the "-P" policy line).
func firstRule(s string) string {
	lines := strings.Split(s, "\n")
	if len(lines) < 2 {
		return ""
	}
	return lines[1]
}

// laterJumps: the line numbers after the first of jumps to our chain in `iptables -L --line-numbers`,
// highest first, so deleting them one by one does not shift the others.
func laterJumps(listing string) []int {
	var nums []int
	for _, line := range strings.Split(listing, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || f[1] != chain {
			continue
		}
		if n, err := strconv.Atoi(f[0]); err == nil && n > 1 {
			nums = append(nums, n)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(nums)))
	return nums
}

// DeleteRules deletes every rule of our chain whose spec contains pattern, by spec (never by position:
// a concurrent ADD/DEL would shift positions).
func (iptablesFirewall) DeleteRules(pattern string) (int, error) {
	out, err := ipt("-S", chain)
	if err != nil {
		return 0, nil // no chain, no rules
	}
	n := 0
	for _, args := range deleteArgs(string(out), pattern) {
		if _, err := ipt(args...); err == nil {
			n++
		}
	}
	return n, nil
}

// deleteArgs: the "-D ..." argument lists for the "-A" lines of `iptables -S` that contain pattern.
// Our rules' tokens hold no spaces, so dropping the quotes and splitting on spaces is safe.
func deleteArgs(rules, pattern string) [][]string {
	var all [][]string
	for _, line := range strings.Split(rules, "\n") {
		spec, ok := strings.CutPrefix(line, "-A ")
		if !ok || !strings.Contains(line, pattern) {
			continue
		}
		all = append(all, append([]string{"-D"}, strings.Fields(strings.ReplaceAll(spec, `"`, ""))...))
	}
	return all
}

// dropArgs: the rule dropping every new connection from ("egress") or to ("ingress") the pod's IP;
// replies of allowed connections pass.
func dropArgs(direction, ip, id string) []string {
	match := "-d"
	if direction == "egress" {
		match = "-s"
	}
	return []string{"-A", chain, match, ip + "/32", "-m", "comment", "--comment", id,
		"-m", "conntrack", "!", "--ctstate", "ESTABLISHED,RELATED", "-j", "DROP"}
}

func (iptablesFirewall) Drop(direction, ip, id string) error {
	_, err := ipt(dropArgs(direction, ip, id)...)
	return err
}

// DisableIPv6 in the pod's network namespace: no link-local path to the node. Best effort, as before.
func (iptablesFirewall) DisableIPv6(netns string) {
	_ = exec.Command("nsenter", "--net="+netns, "sysctl", "-qw",
		"net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1").Run()
}
