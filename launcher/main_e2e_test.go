package main_test

// These tests build the real launcher binary and drive it as the pod does: a spec
// file in, the result file and the framed stdout out, with real processes.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"code-runner/launcher/internal/result"
)

// launcherBin is the binary under test, in a directory any user may read, so it can
// be re-executed as uid 65534.
var launcherBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "launcher-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		if err := os.Chmod(dir, 0o755); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		launcherBin = filepath.Join(dir, "launcher")
		build := exec.Command("go", "build", "-trimpath", "-o", launcherBin, ".")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
			return 1
		}
		return m.Run()
	}()
	os.Exit(code)
}

const nonce = "test-nonce-0123456789"

// launch runs the launcher on spec (marshalled to JSON) and returns the result.
func launch(t testing.TB, spec any, flags ...string) result.Result {
	t.Helper()
	var r result.Result
	if err := json.Unmarshal(launchJSON(t, spec, flags...), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// launchJSON runs the launcher and returns the result JSON. It checks the launcher's
// contract: exit 0, the result file and the stdout frame agree, and the frame is the
// last thing on stdout.
func launchJSON(t testing.TB, spec any, flags ...string) []byte {
	t.Helper()
	dir := t.TempDir()
	specPath, resultPath := filepath.Join(dir, "spec.json"), filepath.Join(dir, "result.json")
	b, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(specPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(launcherBin, append([]string{"-spec", specPath, "-result", resultPath, "-nonce", nonce}, flags...)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("launcher: %v\nstderr: %s", err, stderr.Bytes())
	}
	file, err := os.ReadFile(resultPath)
	if err != nil {
		t.Fatal(err)
	}
	framed, err := result.Extract(stdout.Bytes(), nonce)
	if err != nil {
		t.Fatalf("stdout frame: %v", err)
	}
	if !bytes.Equal(file, framed) {
		t.Fatal("result file and stdout frame differ")
	}
	if !bytes.HasSuffix(stdout.Bytes(), []byte("--- end "+nonce+" ---\n")) {
		t.Fatal("the frame must be the last thing on stdout")
	}
	return file
}

// workdir is a directory every user can reach (t.TempDir's parent is private), for
// runs as uid 65534.
func workdir(t testing.TB) string {
	dir, err := os.MkdirTemp("", "launcher-workdir-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	return dir
}

// liveProcessesWithArg lists live processes that have arg among their arguments.
func liveProcessesWithArg(t testing.TB, arg string) []string {
	t.Helper()
	entries, _ := os.ReadDir("/proc")
	var out []string
	for _, e := range entries {
		cmd, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && bytes.Contains(cmd, []byte("\x00"+arg+"\x00")) {
			out = append(out, fmt.Sprintf("%s %q", e.Name(), cmd))
		}
	}
	return out
}

// processesOfUID counts processes owned by uid.
func processesOfUID(uid uint32) int {
	entries, _ := os.ReadDir("/proc")
	n := 0
	for _, e := range entries {
		if e.Name()[0] < '0' || e.Name()[0] > '9' {
			continue
		}
		if fi, err := os.Stat(filepath.Join("/proc", e.Name())); err == nil && fi.Sys().(*syscall.Stat_t).Uid == uid {
			n++
		}
	}
	return n
}

func ms(r result.Test) string {
	return fmt.Sprintf("cpu %d ms, wall %d ms, memory %d KB", r.CPUTimeMs, r.WallTimeMs, r.MemoryKB)
}
