// Package cgroup reads the memory accounting of the launcher's own cgroup (the pod's,
// in Kubernetes), v1 or v2, tolerating any file that is missing.
package cgroup

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
)

// Paths are the launcher's cgroup paths from /proc/self/cgroup.
type Paths struct {
	V1Memory string // the v1 memory controller's path, "" if none
	V2       string // the unified hierarchy's path, "" if none
}

// ParseProcCgroup reads /proc/self/cgroup lines "id:controllers:path".
func ParseProcCgroup(b []byte) Paths {
	var p Paths
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		switch {
		case parts[0] == "0" && parts[1] == "":
			p.V2 = parts[2]
		case hasController(parts[1], "memory"):
			p.V1Memory = parts[2]
		}
	}
	return p
}

func hasController(list, name string) bool {
	for _, c := range strings.Split(list, ",") {
		if c == name {
			return true
		}
	}
	return false
}

// ParseKeyed finds "key value" in a flat keyed file (memory.events, memory.oom_control).
func ParseKeyed(b []byte, key string) (int64, bool) {
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 2 && f[0] == key {
			v, err := strconv.ParseInt(f[1], 10, 64)
			return v, err == nil
		}
	}
	return 0, false
}

// ParseBytes reads a single number of bytes.
func ParseBytes(b []byte) (int64, bool) {
	v, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	return v, err == nil && v >= 0
}

// unlimitedV1 is where cgroup v1 reports "no limit" (PAGE_COUNTER_MAX pages, rounded); anything
// this large means unlimited.
const unlimitedV1 = 1 << 62

// ParseLimit reads memory.max ("max" = unlimited) or memory.limit_in_bytes (a huge number = unlimited).
func ParseLimit(b []byte) (int64, bool) {
	if strings.TrimSpace(string(b)) == "max" {
		return 0, false
	}
	v, ok := ParseBytes(b)
	if !ok || v >= unlimitedV1 {
		return 0, false
	}
	return v, true
}
