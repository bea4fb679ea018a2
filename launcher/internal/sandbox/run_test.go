package sandbox

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"code-runner/launcher/internal/childexec"
	"code-runner/launcher/internal/procfs"
	"code-runner/launcher/internal/verdict"
)

// TestMain lets this test binary act as the childexec shim, as the launcher binary does.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == childexec.Flag {
		childexec.Main(os.Args[2:])
	}
	if err := BecomeSubreaper(); err != nil {
		fmt.Fprintln(os.Stderr, "subreaper:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

func runner(t *testing.T) *Runner {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return &Runner{Self: self, Poll: 10 * time.Millisecond, Proc: "/proc"}
}

var small = Limits{CPUTime: 2 * time.Second, WallTime: 5 * time.Second, OutputBytes: 1 << 20}

func sh(script string, l Limits) Command {
	return Command{Argv: []string{"/bin/sh", "-c", script}, Dir: "/", Env: []string{"PATH=/usr/bin:/bin"}, Limits: l}
}

func TestStreamsStdinAndExitCode(t *testing.T) {
	c := sh(`read x; echo "out $x"; echo "err $x" >&2; echo more; exit 7`, small)
	c.Stdin = []byte("42\n")
	res, err := runner(t).Run(c)
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Stdout.Data) != "out 42\nmore\n" || string(res.Stderr.Data) != "err 42\n" {
		t.Fatalf("stdout %q stderr %q", res.Stdout.Data, res.Stderr.Data)
	}
	if len(res.Output.Data) != len(res.Stdout.Data)+len(res.Stderr.Data) {
		t.Fatalf("output %q must interleave both streams", res.Output.Data)
	}
	if res.Outcome.ExitCode != 7 || res.Outcome.Signal != 0 || res.Outcome.Killed != verdict.NotKilled {
		t.Fatalf("outcome %+v", res.Outcome)
	}
}

func TestEnvironmentAndDirReachTheProgram(t *testing.T) {
	dir := t.TempDir()
	c := sh(`pwd; echo "$GREETING"`, small)
	c.Dir, c.Env = dir, []string{"PATH=/usr/bin:/bin", "GREETING=hi"}
	res, err := runner(t).Run(c)
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Stdout.Data) != dir+"\nhi\n" {
		t.Fatalf("stdout %q", res.Stdout.Data)
	}
}

func TestMissingProgramIsStartError(t *testing.T) {
	_, err := runner(t).Run(Command{Argv: []string{"/no/such/program"}, Dir: "/", Limits: small})
	var se *StartError
	if !errors.As(err, &se) || !strings.Contains(se.Reason, "no such file") {
		t.Fatalf("err = %v, want *StartError about a missing file", err)
	}
	_, err = runner(t).Run(Command{Argv: []string{"/bin/true"}, Dir: "/no/such/dir", Limits: small})
	if !errors.As(err, &se) {
		t.Fatalf("missing dir: err = %v, want *StartError", err)
	}
}

// TestEscapedDescendantsAreKilled starts a grandchild that leaves the process group
// (setsid) and one that stays in it; both must be gone when Run returns.
func TestEscapedDescendantsAreKilled(t *testing.T) {
	marker := "60." + strconv.Itoa(os.Getpid()) // a sleep duration no other process uses
	script := fmt.Sprintf(`setsid sleep %[1]s & sleep %[1]s & sleep 0.2; echo started`, marker)
	res, err := runner(t).Run(sh(script, small))
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Stdout.Data) != "started\n" || res.Outcome.ExitCode != 0 {
		t.Fatalf("stdout %q outcome %+v", res.Stdout.Data, res.Outcome)
	}
	if left := processesNamed(t, marker); len(left) > 0 {
		t.Fatalf("left behind: %v", left)
	}
	var ws syscall.WaitStatus
	if _, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil); err != syscall.ECHILD {
		t.Fatalf("children left unreaped (zombies): wait4 err = %v", err)
	}
}

// processesNamed lists live processes with arg among their arguments.
func processesNamed(t *testing.T, arg string) []string {
	t.Helper()
	all, err := procfs.Scan("/proc", func(procfs.Stat) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range all {
		cmd, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", s.PID))
		if strings.Contains(string(cmd), "\x00"+arg+"\x00") {
			out = append(out, fmt.Sprintf("%d %q", s.PID, cmd))
		}
	}
	return out
}

func TestRlimits(t *testing.T) {
	r := &Runner{Proc: "/proc", Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	got := r.rlimits(Limits{CPUTime: 1500 * time.Millisecond, MaxProcesses: 10, FileSizeBytes: 4096})
	if got != (childexec.Limits{CPUSeconds: 2, FileSize: 4096, Processes: 10}) {
		t.Fatalf("with another user: %+v", got)
	}
	r.Credential = nil
	if got := r.rlimits(Limits{MaxProcesses: 10}); got.Processes <= 10 {
		t.Fatalf("sharing the user must add the launcher's threads, got %d", got.Processes)
	}
	if got := r.rlimits(Limits{}); got != (childexec.Limits{}) {
		t.Fatalf("no limits: %+v", got)
	}
}
