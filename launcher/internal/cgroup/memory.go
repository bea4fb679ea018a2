package cgroup

import (
	"os"
	"path/filepath"
)

// Memory is one cgroup directory and the file names its version uses.
type Memory struct {
	Dir     string
	Version int
	peak    string
	limit   string
	events  string // holds an "oom_kill N" line
}

var (
	v2Files = Memory{Version: 2, peak: "memory.peak", limit: "memory.max", events: "memory.events"}
	v1Files = Memory{Version: 1, peak: "memory.max_usage_in_bytes", limit: "memory.limit_in_bytes", events: "memory.oom_control"}
)

// Snapshot is what could be read; nil fields were unreadable (or unlimited, for the limit).
type Snapshot struct {
	PeakBytes  *int64
	LimitBytes *int64
	OOMKills   *int64
}

// Locate picks the first candidate directory under root (normally /sys/fs/cgroup) whose
// memory files exist: the path from /proc/self/cgroup first, then the mount's root, which
// is where a container sees its own cgroup. It returns nil when there is none.
func Locate(root string, procSelfCgroup []byte) *Memory {
	p := ParseProcCgroup(procSelfCgroup)
	candidates := []Memory{}
	for _, base := range []string{root, filepath.Join(root, "unified")} {
		for _, dir := range dedupe(filepath.Join(base, p.V2), base) {
			m := v2Files
			m.Dir = dir
			candidates = append(candidates, m)
		}
	}
	memRoot := filepath.Join(root, "memory")
	for _, dir := range dedupe(filepath.Join(memRoot, p.V1Memory), memRoot) {
		m := v1Files
		m.Dir = dir
		candidates = append(candidates, m)
	}
	for _, m := range candidates {
		if exists(filepath.Join(m.Dir, m.events)) || exists(filepath.Join(m.Dir, m.peak)) {
			return &m
		}
	}
	return nil
}

// Read takes a snapshot; a nil Memory reads as all unknown.
func (m *Memory) Read() Snapshot {
	var s Snapshot
	if m == nil {
		return s
	}
	if b, err := os.ReadFile(filepath.Join(m.Dir, m.peak)); err == nil {
		if v, ok := ParseBytes(b); ok {
			s.PeakBytes = &v
		}
	}
	if b, err := os.ReadFile(filepath.Join(m.Dir, m.limit)); err == nil {
		if v, ok := ParseLimit(b); ok {
			s.LimitBytes = &v
		}
	}
	if b, err := os.ReadFile(filepath.Join(m.Dir, m.events)); err == nil {
		if v, ok := ParseKeyed(b, "oom_kill"); ok {
			s.OOMKills = &v
		}
	}
	return s
}

// OOMKillsSince is how many OOM kills happened between two snapshots, 0 if unknown.
func OOMKillsSince(before, after Snapshot) int64 {
	if before.OOMKills == nil || after.OOMKills == nil {
		return 0
	}
	return *after.OOMKills - *before.OOMKills
}

func dedupe(a, b string) []string {
	if a == b {
		return []string{a}
	}
	return []string{a, b}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
