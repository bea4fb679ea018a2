// Package procfs reads the few /proc/<pid>/stat fields the launcher watches.
package procfs

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// Stat is a subset of /proc/<pid>/stat. Times are in clock ticks (USER_HZ).
type Stat struct {
	PID, PPID, PGRP int
	UTime, STime    uint64 // this process
	CUTime, CSTime  uint64 // its waited-for children
	RSSPages        int64
}

// CPUTicks is the process's CPU time including its reaped children.
func (s Stat) CPUTicks() uint64 { return s.UTime + s.STime + s.CUTime + s.CSTime }

// TicksPerSecond is USER_HZ, 100 on every Linux architecture Go supports.
const TicksPerSecond = 100

// FormatError says a stat line could not be parsed.
type FormatError struct{ Line string }

func (e *FormatError) Error() string { return fmt.Sprintf("procfs: malformed stat %q", e.Line) }

// ParseStat parses one /proc/<pid>/stat line. The command name may hold spaces
// and parentheses, so fields are counted from its last ')'.
func ParseStat(b []byte) (Stat, error) {
	open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 0 || end < open {
		return Stat{}, &FormatError{Line: string(b)}
	}
	rest := bytes.Fields(b[end+1:]) // rest[0] is field 3 (state)
	if len(rest) < 22 {
		return Stat{}, &FormatError{Line: string(b)}
	}
	field := func(n int) int64 {
		v, err := strconv.ParseInt(string(rest[n-3]), 10, 64)
		if err != nil {
			return -1
		}
		return v
	}
	pid, err := strconv.Atoi(string(bytes.TrimSpace(b[:open])))
	if err != nil {
		return Stat{}, &FormatError{Line: string(b)}
	}
	s := Stat{
		PID: pid, PPID: int(field(4)), PGRP: int(field(5)),
		UTime: uint64(field(14)), STime: uint64(field(15)), CUTime: uint64(field(16)), CSTime: uint64(field(17)),
		RSSPages: field(24),
	}
	if s.PPID < 0 || s.PGRP < 0 || s.RSSPages < 0 {
		return Stat{}, &FormatError{Line: string(b)}
	}
	return s, nil
}

// Scan returns the processes under root (normally /proc) that keep accepts.
// Processes that vanish while being read are skipped.
func Scan(root string, keep func(Stat) bool) ([]Stat, error) {
	d, err := os.Open(root)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return nil, err
	}
	var out []Stat
	for _, n := range names {
		if n[0] < '0' || n[0] > '9' {
			continue
		}
		b, err := os.ReadFile(filepath.Join(root, n, "stat"))
		if err != nil {
			continue
		}
		if s, err := ParseStat(b); err == nil && keep(s) {
			out = append(out, s)
		}
	}
	return out, nil
}
