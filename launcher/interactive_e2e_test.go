package main_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"code-runner/launcher/internal/capture"
	"code-runner/launcher/internal/interactive"
	"code-runner/launcher/internal/result"
)

// interactiveLaunch starts the launcher in -interactive mode on spec; the caller drives its stdin.
func interactiveLaunch(t *testing.T, spec map[string]any, flags ...string) (*exec.Cmd, io.WriteCloser, *bufio.Reader, *bytes.Buffer) {
	t.Helper()
	dir := t.TempDir()
	specPath := filepath.Join(dir, "spec.json")
	b, _ := json.Marshal(spec)
	if err := os.WriteFile(specPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(launcherBin, append([]string{"-spec", specPath, "-result", "", "-nonce", nonce, "-live-kb", "64", "-interactive"}, flags...)...)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd, stdin, bufio.NewReader(stdout), &stderr
}

// readUntil reads stdout until it holds want (or fails after 5 s).
func readUntil(t *testing.T, r *bufio.Reader, want string) string {
	t.Helper()
	got := make(chan string, 1)
	go func() {
		var sb strings.Builder
		for !strings.Contains(sb.String(), want) {
			b, err := r.ReadByte()
			if err != nil {
				break
			}
			sb.WriteByte(b)
		}
		got <- sb.String()
	}()
	select {
	case s := <-got:
		if !strings.Contains(s, want) {
			t.Fatalf("stdout ended before %q: %q", want, s)
		}
		return s
	case <-time.After(5 * time.Second):
		t.Fatalf("no %q on stdout within 5 s", want)
		return ""
	}
}

// TestInteractiveEchoesAsTyped: nothing runs before the hello; each line typed is answered before the
// next is sent; stderr goes to stderr; the steps' exit lines and the result frame follow.
func TestInteractiveEchoesAsTyped(t *testing.T) {
	dir := workdir(t)
	prog := `echo ready; while read -r l; do echo "got $l"; echo "err $l" >&2; done; exit 3`
	cmd, in, out, stderr := interactiveLaunch(t, map[string]any{
		"compile": map[string]any{"command": []string{"/bin/true"}},
		"run":     map[string]any{"command": []string{"/bin/sh", "-c", prog}},
		"workdir": dir, "scratch": dir,
	})
	time.Sleep(200 * time.Millisecond)
	if out.Buffered() > 0 {
		t.Fatal("output before the client's hello")
	}
	_, _ = in.Write(interactive.Frame(interactive.Hello, nil))
	readUntil(t, out, "ready\n")
	for _, l := range []string{"one", "two"} {
		_, _ = in.Write(interactive.Frame(interactive.Data, []byte(l+"\n")))
		readUntil(t, out, "got "+l+"\n")
	}
	_, _ = in.Write(interactive.Frame(interactive.EOF, nil))
	rest := readUntil(t, out, "--- end "+nonce+" ---\n")
	if !strings.Contains(rest, capture.ExitMark+"run 3 -\n"+capture.EndMark+"\n--- code-runner-result") {
		t.Fatalf("no exit line for run, then the end line and the frame: %q", rest)
	}
	_ = cmd.Wait()
	if !strings.Contains(stderr.String(), "err one\nerr two\n") {
		t.Fatalf("stderr %q", stderr.String())
	}
}

// TestInteractiveSignalReachesTheProgram: a signal frame is sent to the running program's group.
func TestInteractiveSignalReachesTheProgram(t *testing.T) {
	dir := workdir(t)
	cmd, in, out, _ := interactiveLaunch(t, map[string]any{
		"run":     map[string]any{"command": []string{"/bin/sh", "-c", "echo up; sleep 30"}},
		"workdir": dir, "scratch": dir, "limits": map[string]any{"wall_time_ms": 20000},
	})
	_, _ = in.Write(interactive.Frame(interactive.Hello, nil))
	readUntil(t, out, "up\n")
	_, _ = in.Write(interactive.Frame(interactive.Signal, []byte("9")))
	rest := readUntil(t, out, "--- end "+nonce+" ---\n")
	if !strings.Contains(rest, capture.ExitMark+"run - SIGKILL\n") {
		t.Fatalf("no SIGKILL exit line: %q", rest)
	}
	data, err := result.Extract([]byte(rest), nonce)
	if err != nil {
		t.Fatal(err)
	}
	var r result.Result
	_ = json.Unmarshal(data, &r)
	if r.Tests[0].WallTimeMs > 10000 {
		t.Fatalf("the signal did not end the run: %d ms", r.Tests[0].WallTimeMs)
	}
	_ = cmd.Wait()
}

// TestInteractiveWithoutClientGivesUp: no hello within -attach-timeout is an InternalError, and the
// program never runs.
func TestInteractiveWithoutClientGivesUp(t *testing.T) {
	dir := workdir(t)
	cmd, _, out, _ := interactiveLaunch(t, map[string]any{
		"run":     map[string]any{"command": []string{"/bin/sh", "-c", "echo ran"}},
		"workdir": dir, "scratch": dir,
	}, "-attach-timeout", "300ms")
	all := readUntil(t, out, "--- end "+nonce+" ---\n")
	if strings.Contains(all, "ran") {
		t.Fatal("the program ran without a client")
	}
	data, _ := result.Extract([]byte(all), nonce)
	var r result.Result
	_ = json.Unmarshal(data, &r)
	if r.Verdict != "InternalError" || !strings.Contains(r.Message, "no interactive client") {
		t.Fatalf("verdict %s %q", r.Verdict, r.Message)
	}
	_ = cmd.Wait()
}
