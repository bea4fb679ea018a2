package cgroup

import (
	"os"
	"path/filepath"
	"testing"
)

const hybrid = "9:name=systemd:/\n4:memory:/kubepods/pod1/ctr\n2:cpu,cpuacct:/kubepods/pod1/ctr\n0::/kubepods/pod1/ctr\n"

func TestParseProcCgroup(t *testing.T) {
	got := ParseProcCgroup([]byte(hybrid))
	if got != (Paths{V1Memory: "/kubepods/pod1/ctr", V2: "/kubepods/pod1/ctr"}) {
		t.Fatalf("got %+v", got)
	}
	if got := ParseProcCgroup([]byte("0::/\n")); got != (Paths{V2: "/"}) {
		t.Fatalf("pure v2: %+v", got)
	}
}

func TestParsers(t *testing.T) {
	if v, ok := ParseKeyed([]byte("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n"), "oom_kill"); !ok || v != 3 {
		t.Errorf("oom_control: %d %v", v, ok)
	}
	if v, ok := ParseKeyed([]byte("low 0\nhigh 0\nmax 12\noom 2\noom_kill 2\noom_group_kill 0\n"), "oom_kill"); !ok || v != 2 {
		t.Errorf("memory.events: %d %v", v, ok)
	}
	if _, ok := ParseKeyed([]byte("oom_kill_disable 0\n"), "oom_kill"); ok {
		t.Error("a prefix must not match")
	}
	if v, ok := ParseLimit([]byte("268435456\n")); !ok || v != 268435456 {
		t.Errorf("limit: %d %v", v, ok)
	}
	for _, unlimited := range []string{"max\n", "9223372036854771712\n", ""} {
		if _, ok := ParseLimit([]byte(unlimited)); ok {
			t.Errorf("%q must read as no limit", unlimited)
		}
	}
}

// write builds a fake cgroupfs tree: a directory of files, as the kernel would show it.
func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLocateContainerV1FallsBackToMountRoot(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "memory"), map[string]string{
		"memory.max_usage_in_bytes": "1048576\n", "memory.limit_in_bytes": "268435456\n",
		"memory.oom_control": "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n",
	})
	os.MkdirAll(filepath.Join(root, "unified"), 0o755) // hybrid: cgroup2 without the memory controller
	m := Locate(root, []byte(hybrid))
	if m == nil || m.Version != 1 || m.Dir != filepath.Join(root, "memory") {
		t.Fatalf("located %+v", m)
	}
	s := m.Read()
	if *s.PeakBytes != 1048576 || *s.LimitBytes != 268435456 || *s.OOMKills != 1 {
		t.Fatalf("snapshot %+v", s)
	}
}

func TestLocateV2PrefersOwnPathAndToleratesMissingFiles(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "kubepods/pod1/ctr"), map[string]string{"memory.events": "oom_kill 0\n", "memory.max": "max\n"})
	write(t, root, map[string]string{"memory.events": "oom_kill 9\n"})
	m := Locate(root, []byte("0::/kubepods/pod1/ctr\n"))
	if m == nil || m.Version != 2 || m.Dir != filepath.Join(root, "kubepods/pod1/ctr") {
		t.Fatalf("located %+v", m)
	}
	s := m.Read()
	if s.PeakBytes != nil || s.LimitBytes != nil || s.OOMKills == nil || *s.OOMKills != 0 {
		t.Fatalf("snapshot %+v", s)
	}
}

func TestLocateNothing(t *testing.T) {
	if m := Locate(t.TempDir(), []byte(hybrid)); m != nil {
		t.Fatalf("located %+v in an empty tree", m)
	}
	var none *Memory
	if s := none.Read(); s != (Snapshot{}) {
		t.Fatalf("nil Memory read %+v", s)
	}
}

func TestOOMKillsSince(t *testing.T) {
	one, three := int64(1), int64(3)
	if got := OOMKillsSince(Snapshot{OOMKills: &one}, Snapshot{OOMKills: &three}); got != 2 {
		t.Errorf("got %d", got)
	}
	if got := OOMKillsSince(Snapshot{}, Snapshot{OOMKills: &three}); got != 0 {
		t.Errorf("unknown before must count as no kills, got %d", got)
	}
}

func TestReadsThisMachine(t *testing.T) {
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		t.Skip("no /proc/self/cgroup")
	}
	m := Locate("/sys/fs/cgroup", b)
	if m == nil {
		t.Skip("no memory cgroup files readable here")
	}
	s := m.Read()
	t.Logf("cgroup v%d at %s: peak %v limit %v oom_kills %v", m.Version, m.Dir, deref(s.PeakBytes), deref(s.LimitBytes), deref(s.OOMKills))
	if s.PeakBytes == nil && s.OOMKills == nil {
		t.Fatalf("located %s but read nothing", m.Dir)
	}
}

func deref(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}
