package main

import (
	"slices"
	"strings"
	"testing"
)

func TestDeleteArgsBySpec(t *testing.T) {
	rules := `-N CNI-CR-NETPOL
-A CNI-CR-NETPOL -s 10.88.1.12/32 -m comment --comment "cr-netpol:aaaa" -m conntrack ! --ctstate RELATED,ESTABLISHED -j DROP
-A CNI-CR-NETPOL -d 10.88.1.12/32 -m comment --comment "cr-netpol:aaaa" -m conntrack ! --ctstate RELATED,ESTABLISHED -j DROP
-A CNI-CR-NETPOL -s 10.88.1.123/32 -m comment --comment "cr-netpol:bbbb" -m conntrack ! --ctstate RELATED,ESTABLISHED -j DROP
`
	got := deleteArgs(rules, " 10.88.1.12/32 ") // not 10.88.1.123
	if len(got) != 2 {
		t.Fatalf("got %d rules, want 2: %q", len(got), got)
	}
	want := "-D CNI-CR-NETPOL -s 10.88.1.12/32 -m comment --comment cr-netpol:aaaa -m conntrack ! --ctstate RELATED,ESTABLISHED -j DROP"
	if s := strings.Join(got[0], " "); s != want {
		t.Errorf("got %q, want %q", s, want)
	}
	if got := deleteArgs(rules, "cr-netpol:bbbb"); len(got) != 1 || got[0][3] != "10.88.1.123/32" {
		t.Errorf("by container id: %q", got)
	}
}

func TestDropArgs(t *testing.T) {
	got := strings.Join(dropArgs("egress", "10.88.0.5", "cr-netpol:x"), " ")
	if got != "-A CNI-CR-NETPOL -s 10.88.0.5/32 -m comment --comment cr-netpol:x -m conntrack ! --ctstate ESTABLISHED,RELATED -j DROP" {
		t.Errorf("egress: %q", got)
	}
	if got := dropArgs("ingress", "10.88.0.5", "cr-netpol:x"); got[2] != "-d" {
		t.Errorf("ingress matches on %q, want -d", got[2])
	}
}

func TestJumpPositions(t *testing.T) {
	if got := firstRule("-P PREROUTING ACCEPT\n-A PREROUTING -j CNI-CR-NETPOL\n-A PREROUTING -j KUBE\n"); got != "-A PREROUTING -j CNI-CR-NETPOL" {
		t.Errorf("firstRule: %q", got)
	}
	listing := `Chain POSTROUTING (policy ACCEPT)
num  target     prot opt source               destination
1    CNI-CR-NETPOL  0    --  0.0.0.0/0            0.0.0.0/0
2    CNI-HOSTPORT-MASQ  0    --  0.0.0.0/0            0.0.0.0/0
3    CNI-CR-NETPOL  0    --  0.0.0.0/0            0.0.0.0/0
12   CNI-CR-NETPOL  0    --  0.0.0.0/0            0.0.0.0/0
`
	if got := laterJumps(listing); !slices.Equal(got, []int{12, 3}) {
		t.Errorf("laterJumps: %v, want [12 3]", got)
	}
}
