package install

import (
	"os"
	"path/filepath"
	"testing"
)

// A ConfigMap volume as the kubelet lays it out: files in a timestamped dir behind ..data.
func configMapVolume(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	data := filepath.Join(dir, "..2026_12_06_00_00_00.1")
	for name, content := range files {
		p := filepath.Join(data, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o444); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Base(data), filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	for name := range files {
		top := filepath.SplitList(name)[0]
		_ = os.Symlink(filepath.Join("..data", top), filepath.Join(dir, top))
	}
	return dir
}

func TestInstallCopiesFilesSpecAndBinary(t *testing.T) {
	in := configMapVolume(t, map[string]string{"main.c": "int main(){}", "lib/util.h": "#pragma once", SpecKey: "{}"})
	out := t.TempDir()
	self := filepath.Join(t.TempDir(), "self")
	if err := os.WriteFile(self, []byte("binary"), 0o755); err != nil {
		t.Fatal(err)
	}
	o := Options{Input: in, Workspace: filepath.Join(out, "ws"), Self: self, Bin: filepath.Join(out, "cr", "launcher"), Spec: filepath.Join(out, "tmp", "spec.json")}
	if err := Run(o); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{"ws/main.c": "int main(){}", "ws/lib/util.h": "#pragma once", "cr/launcher": "binary", "tmp/spec.json": "{}"} {
		got, err := os.ReadFile(filepath.Join(out, path))
		if err != nil || string(got) != want {
			t.Errorf("%s: got %q, %v; want %q", path, got, err, want)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "ws", SpecKey)); !os.IsNotExist(err) {
		t.Errorf("the spec must not reach the workdir: %v", err)
	}
	if fi, _ := os.Stat(o.Spec); fi.Mode().Perm() != 0o600 {
		t.Errorf("spec mode %v, want 0600", fi.Mode().Perm())
	}
	if fi, _ := os.Stat(o.Bin); fi.Mode().Perm() != 0o555 {
		t.Errorf("launcher mode %v, want 0555", fi.Mode().Perm())
	}
}

func TestInstallRefusesSymlinksInInput(t *testing.T) {
	in := t.TempDir()
	if err := os.Symlink("/etc/passwd", filepath.Join(in, "passwd")); err != nil {
		t.Fatal(err)
	}
	self := filepath.Join(t.TempDir(), "self")
	_ = os.WriteFile(self, []byte("b"), 0o755)
	out := t.TempDir()
	err := Run(Options{Input: in, Workspace: filepath.Join(out, "ws"), Self: self, Bin: filepath.Join(out, "l"), Spec: filepath.Join(out, "s")})
	if err == nil {
		t.Fatal("a symlink in the input must be refused")
	}
}

// In the run container itself (the launcher is in the image): the files only, the spec left where it is.
func TestInstallFilesOnly(t *testing.T) {
	in := configMapVolume(t, map[string]string{"main.py": "print(1)", SpecKey: "{}"})
	ws := filepath.Join(t.TempDir(), "ws")
	if err := Run(Options{Input: in, Workspace: ws}); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(ws)
	if len(entries) != 1 || entries[0].Name() != "main.py" {
		t.Fatalf("workspace holds %v, want only main.py", entries)
	}
}
