package procfs

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

const sample = "4242 (a b) c)) S 4241 4240 4240 0 -1 4194304 100 0 0 0 150 25 3 2 20 0 1 0 12345 10485760 2560 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n"

func TestParseStat(t *testing.T) {
	s, err := ParseStat([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	want := Stat{PID: 4242, PPID: 4241, PGRP: 4240, UTime: 150, STime: 25, CUTime: 3, CSTime: 2, RSSPages: 2560}
	if s != want {
		t.Fatalf("got %+v\nwant %+v", s, want)
	}
	if s.CPUTicks() != 180 {
		t.Fatalf("CPUTicks = %d", s.CPUTicks())
	}
}

func TestParseStatRejectsMalformed(t *testing.T) {
	for _, in := range []string{"", "1 (x S 1 1", "1 (x) S 1 1 1", "x (y) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 1 1 1"} {
		var fe *FormatError
		if _, err := ParseStat([]byte(in)); !errors.As(err, &fe) {
			t.Errorf("ParseStat(%q) err = %v, want *FormatError", in, err)
		}
	}
}

func TestScanFindsSelfInRealProc(t *testing.T) {
	self := os.Getpid()
	got, err := Scan("/proc", func(s Stat) bool { return s.PID == self })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].PPID != os.Getppid() || got[0].RSSPages == 0 {
		t.Fatalf("scan for self = %+v", got)
	}
}

func TestScanSkipsNonPIDsAndUnreadable(t *testing.T) {
	root := t.TempDir()
	for name, content := range map[string]string{"7": sample, "self": sample, "8": "garbage"} {
		os.Mkdir(filepath.Join(root, name), 0o755)
		os.WriteFile(filepath.Join(root, name, "stat"), []byte(content), 0o644)
	}
	os.Mkdir(filepath.Join(root, "9"), 0o755) // vanished process: no stat file
	got, err := Scan(root, func(Stat) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].PID != 4242 {
		t.Fatalf("got %+v", got)
	}
}
