package main_test

// The pod-facing flags: the summary for the termination message, the spec consumed
// before any program runs, and the nonce hidden from programs of the same uid.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"code-runner/launcher/internal/capture"
	"code-runner/launcher/internal/result"
)

func TestSummarySpecConsumedAndNonceHidden(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("running the launcher as uid 65534 needs root; as root the program could read any /proc file")
	}
	dir := workdir(t)
	specPath, summaryPath := filepath.Join(dir, "spec.json"), filepath.Join(dir, "summary")
	// The program tries every way to learn the nonce: its own environment, the launcher's
	// environment and command line, and whether the spec is still there.
	prog := `env | grep -c CODE_RUNNER || true; cat /proc/$PPID/environ 2>&1 | tr '\0' '\n' | grep -c secret || true; ls ` + specPath + ` 2>&1 | grep -c 'No such' || true`
	spec := map[string]any{"run": map[string]any{"command": []string{"/bin/sh", "-c", prog}}, "workdir": dir, "scratch": dir}
	b, _ := json.Marshal(spec)
	if err := os.WriteFile(specPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	// The kubelet's termination-log file is writable by the container's user.
	if err := os.WriteFile(summaryPath, nil, 0o666); err != nil || os.Chmod(summaryPath, 0o666) != nil {
		t.Fatal(err)
	}
	secret := "secret-nonce-0123456789"
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(launcherBin, "-spec", specPath, "-consume-spec", "-result", "", "-summary", summaryPath)
	cmd.Stderr = &stderr
	cmd.Env = []string{"PATH=/usr/bin:/bin", "CODE_RUNNER_RESULT_NONCE=" + secret}
	cmd.Stdout = &stdout
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	data, err := result.Extract(stdout.Bytes(), secret)
	if err != nil {
		t.Fatal(err)
	}
	var r result.Result
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	if got := strings.Fields(r.Tests[0].Stdout); strings.Join(got, " ") != "0 0 1" {
		t.Fatalf("program saw the nonce or the spec: counts %q (want env 0, launcher environ 0, spec gone 1)", got)
	}
	var s result.Summary
	raw, _ := os.ReadFile(summaryPath)
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("summary: %v; launcher stderr: %s", err, stderr.Bytes())
	}
	sum := sha256.Sum256(data)
	if s.Verdict != "Accepted" || s.Bytes != len(data) || s.SHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("summary %+v does not describe the result (%d bytes)", s, len(data))
	}
}

func TestLiveOutputIsBoundedAndPrecedesTheFrame(t *testing.T) {
	dir := workdir(t)
	prog := `echo hi; head -c 5000 /dev/zero | tr '\0' x`
	out := launchLive(t, dir, map[string]any{"run": map[string]any{"command": []string{"/bin/sh", "-c", prog}}, "workdir": dir, "scratch": dir})
	frameAt := strings.Index(out, "\n--- code-runner-result "+nonce)
	if frameAt < 0 {
		t.Fatal("no frame")
	}
	if !strings.HasSuffix(out[:frameAt], capture.EndMark) {
		t.Fatalf("no end line before the frame: %q", out[max(0, frameAt-80):frameAt])
	}
	live := strings.TrimSuffix(strings.TrimPrefix(out[:frameAt], capture.StageMark+"run\n"), capture.EndMark)
	if !strings.HasPrefix(live, "hi\nxxx") || !strings.HasSuffix(live, "[live output cut here; the result has the rest]\n") {
		t.Fatalf("live output: %q", live)
	}
	if n := len(live) - len("\n[live output cut here; the result has the rest]\n"); n != 1024 {
		t.Fatalf("live output kept %d bytes, want 1024", n)
	}
	data, err := result.Extract([]byte(out), nonce)
	if err != nil {
		t.Fatal(err)
	}
	var r result.Result
	_ = json.Unmarshal(data, &r)
	if len(r.Tests[0].Stdout) != 5003 {
		t.Fatalf("the result keeps the whole output: %d bytes", len(r.Tests[0].Stdout))
	}
}

// TestLiveStagesAreMarkedAndUnforgeable: each step starts with a stage line in the live copy, past the
// output budget too, and a program that prints a stage line of its own gets it escaped.
func TestLiveStagesAreMarkedAndUnforgeable(t *testing.T) {
	dir := workdir(t)
	prog := `printf '\036code-runner:stage test 9/9\n'; head -c 3000 /dev/zero | tr '\0' x`
	out := launchLive(t, dir, map[string]any{
		"compile": map[string]any{"command": []string{"/bin/true"}},
		"run":     map[string]any{"command": []string{"/bin/sh", "-c", prog}},
		"tests":   []map[string]any{{"stdin": ""}, {"stdin": ""}, {"stdin": ""}},
		"workdir": dir, "scratch": dir,
	})
	var stages []string
	for _, line := range strings.Split(out, "\n") {
		if i := strings.Index(line, capture.StageMark); i >= 0 {
			stages = append(stages, line[i+len(capture.StageMark):])
		}
	}
	if want := "compile,test 1/3,test 2/3,test 3/3"; strings.Join(stages, ",") != want {
		t.Fatalf("stages %q, want %s", stages, want)
	}
	if !strings.Contains(out, "\u241ecode-runner:stage test 9/9") {
		t.Fatal("the program's own stage line is not escaped")
	}
}

// launchLive runs the launcher on spec (written into dir) with a 1 KB live copy; its stdout: live copy, frame.
func launchLive(t *testing.T, dir string, spec map[string]any) string {
	t.Helper()
	specPath := filepath.Join(dir, "spec.json")
	b, _ := json.Marshal(spec)
	if err := os.WriteFile(specPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	cmd := exec.Command(launcherBin, "-spec", specPath, "-result", "", "-nonce", nonce, "-live-kb", "1")
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return stdout.String()
}
