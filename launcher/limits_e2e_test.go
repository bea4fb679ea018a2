package main_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"code-runner/launcher/internal/verdict"
)

type obj = map[string]any

// shSpec runs one sh script as the single test.
func shSpec(t testing.TB, script string, limits obj) obj {
	return obj{"run": obj{"command": []string{"/bin/sh", "-c", script}}, "workdir": workdir(t), "limits": limits}
}

func TestCPUBoundLoopIsTimeLimit(t *testing.T) {
	r := launch(t, shSpec(t, `while :; do :; done`, obj{"cpu_time_ms": 500, "wall_time_ms": 5000}))
	tr := r.Tests[0]
	if r.Verdict != verdict.TimeLimitExceeded || tr.Verdict != verdict.TimeLimitExceeded {
		t.Fatalf("verdict %s / %s (%s)", r.Verdict, tr.Verdict, tr.Message)
	}
	// Soon in CPU time: on a loaded machine the loop gets a share of a core, so wall time says nothing.
	if tr.CPUTimeMs < 500 || tr.CPUTimeMs > 800 || !strings.Contains(tr.Message, "CPU time") {
		t.Fatalf("must be stopped for CPU soon after 500 ms: %s, %q", ms(tr), tr.Message)
	}
	t.Logf("%s; %s", ms(tr), tr.Message)
}

func TestSleepIsWallTimeLimit(t *testing.T) {
	r := launch(t, shSpec(t, `sleep 10`, obj{"cpu_time_ms": 1000, "wall_time_ms": 700}))
	tr := r.Tests[0]
	if tr.Verdict != verdict.TimeLimitExceeded || !strings.Contains(tr.Message, "wall time") {
		t.Fatalf("verdict %s (%s)", tr.Verdict, tr.Message)
	}
	if tr.WallTimeMs < 700 || tr.WallTimeMs > 850 || tr.CPUTimeMs > 100 {
		t.Fatalf("wall time must be about the 700 ms limit: %s", ms(tr))
	}
	t.Logf("%s", ms(tr))
}

func TestIgnoringSIGTERMStillKilledAtWallLimit(t *testing.T) {
	arg := fmt.Sprintf("100.%d", os.Getpid())
	r := launch(t, shSpec(t, `trap '' TERM; sleep `+arg+`; echo survived`, obj{"wall_time_ms": 500}))
	tr := r.Tests[0]
	if tr.Verdict != verdict.TimeLimitExceeded || tr.WallTimeMs > 700 || strings.Contains(tr.Stdout, "survived") {
		t.Fatalf("verdict %s stdout %q %s", tr.Verdict, tr.Stdout, ms(tr))
	}
	if left := liveProcessesWithArg(t, arg); len(left) > 0 {
		t.Fatalf("left behind: %v", left)
	}
}

func TestOutputFloodIsOutputLimit(t *testing.T) {
	r := launch(t, shSpec(t, `yes | head -c 50M; echo done >&2`, obj{"output_kb": 64, "wall_time_ms": 10000}))
	tr := r.Tests[0]
	if tr.Verdict != verdict.OutputLimitExceeded {
		t.Fatalf("verdict %s (%s)", tr.Verdict, tr.Message)
	}
	if len(tr.Stdout) != 64*1024 || !tr.StdoutTruncated || tr.Stdout[:4] != "y\ny\n" {
		t.Fatalf("stdout must be exactly the first 64 KiB and flagged: %d bytes, truncated %v", len(tr.Stdout), tr.StdoutTruncated)
	}
	if strings.Contains(tr.Stderr, "done") || tr.WallTimeMs > 2000 {
		t.Fatalf("the flood must be stopped at the limit: stderr %q, %s", tr.Stderr, ms(tr))
	}
	t.Logf("%s", ms(tr))
}

func TestFileSizeLimitIsOutputLimit(t *testing.T) {
	dir := workdir(t)
	s := shSpec(t, `exec head -c 2M /dev/zero > "$TMPDIR/big"`, obj{"file_size_kb": 1024})
	s["scratch"] = dir
	tr := launch(t, s).Tests[0]
	if tr.Verdict != verdict.OutputLimitExceeded || tr.Signal == nil || *tr.Signal != "SIGXFSZ" {
		t.Fatalf("verdict %s signal %v (%s)", tr.Verdict, tr.Signal, tr.Message)
	}
	if fi, err := os.Stat(dir + "/big"); err != nil || fi.Size() != 1024*1024 {
		t.Fatalf("file must stop at 1 MiB: %v %v", fi, err)
	}
}

func TestSegfaultIsRuntimeErrorWithSignalName(t *testing.T) {
	tr := launch(t, shSpec(t, `echo before; kill -SEGV $$`, nil)).Tests[0]
	if tr.Verdict != verdict.RuntimeError || tr.Signal == nil || *tr.Signal != "SIGSEGV" || tr.ExitCode != nil {
		t.Fatalf("verdict %s signal %v exit %v", tr.Verdict, tr.Signal, tr.ExitCode)
	}
	if tr.Stdout != "before\n" || tr.Message != "killed by SIGSEGV" {
		t.Fatalf("stdout %q message %q", tr.Stdout, tr.Message)
	}
}

func TestStdoutAndStderrKeptApart(t *testing.T) {
	tr := launch(t, shSpec(t, `echo out1; sleep 0.05; echo err1 >&2; sleep 0.05; echo out2; sleep 0.05; echo err2 >&2; exit 3`, nil)).Tests[0]
	if tr.Stdout != "out1\nout2\n" || tr.Stderr != "err1\nerr2\n" {
		t.Fatalf("stdout %q stderr %q", tr.Stdout, tr.Stderr)
	}
	if tr.Output != "out1\nerr1\nout2\nerr2\n" {
		t.Fatalf("output %q must hold both streams in arrival order", tr.Output)
	}
	if tr.Verdict != verdict.RuntimeError || tr.ExitCode == nil || *tr.ExitCode != 3 {
		t.Fatalf("verdict %s exit %v", tr.Verdict, tr.ExitCode)
	}
}

func TestOrphansAndEscapedGrandchildrenAreKilled(t *testing.T) {
	arg := fmt.Sprintf("77.%d", os.Getpid())
	script := fmt.Sprintf(`sleep %[1]s & setsid sleep %[1]s & (sleep %[1]s &) ; echo started`, arg)
	tr := launch(t, shSpec(t, script, obj{"wall_time_ms": 5000})).Tests[0]
	if tr.Verdict != verdict.Accepted || tr.Stdout != "started\n" || tr.WallTimeMs > 1000 {
		t.Fatalf("the program exits at once and is accepted: %s %q %s", tr.Verdict, tr.Stdout, ms(tr))
	}
	if left := liveProcessesWithArg(t, arg); len(left) > 0 {
		t.Fatalf("left behind: %v", left)
	}
}

func TestPythonAllocatingOneGigabyteIsMemoryLimit(t *testing.T) {
	s := obj{
		"run":     obj{"command": []string{"python3", "-c", "b = bytearray(1 << 30)\nprint(len(b))"}},
		"workdir": workdir(t),
		"limits":  obj{"memory_mb": 64, "wall_time_ms": 10000},
	}
	tr := launch(t, s).Tests[0]
	if tr.Verdict != verdict.MemoryLimitExceeded || tr.MemoryKB < 64*1024 || tr.Stdout != "" {
		t.Fatalf("verdict %s (%s) stdout %q %s", tr.Verdict, tr.Message, tr.Stdout, ms(tr))
	}
	t.Logf("%s; %s", ms(tr), tr.Message)
}

// TestAddressSpaceLimitFailsAllocations shows what RLIMIT_AS does when asked for:
// the allocation fails inside the program, which reports it its own way.
func TestAddressSpaceLimitFailsAllocations(t *testing.T) {
	s := obj{
		"run":     obj{"command": []string{"python3", "-c", "b = bytearray(1 << 30)"}},
		"workdir": workdir(t),
		"limits":  obj{"address_space_mb": 256, "memory_mb": 2048},
	}
	tr := launch(t, s).Tests[0]
	if tr.Verdict != verdict.RuntimeError || !strings.Contains(tr.Stderr, "MemoryError") || tr.MemoryKB > 200*1024 {
		t.Fatalf("verdict %s stderr %q %s", tr.Verdict, tr.Stderr, ms(tr))
	}
}

const countForks = `import os, time
n = 0
for _ in range(40):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        time.sleep(3)
        os._exit(0)
    n += 1
print(n)`

// TestMaxProcessesAsNobody runs the program as uid 65534 (the pod's user): RLIMIT_NPROC
// does not bind root, and these tests run as root, so the launcher switches user.
func TestMaxProcessesAsNobody(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("switching to uid 65534 needs root (CAP_SETUID); in the pod the launcher already runs as 65534")
	}
	if n := processesOfUID(65534); n != 0 {
		t.Skipf("%d processes of uid 65534 already run here; RLIMIT_NPROC counts them too", n)
	}
	s := obj{"run": obj{"command": []string{"/usr/bin/python3", "-c", countForks}}, "workdir": workdir(t), "limits": obj{"max_processes": 10}}
	tr := launch(t, s, "-uid", "65534").Tests[0]
	if tr.Verdict != verdict.Accepted || tr.Stdout != "9\n" {
		t.Fatalf("with 10 processes allowed the program forks 9 children: %s %q %q", tr.Verdict, tr.Stdout, tr.Stderr)
	}
	if n := processesOfUID(65534); n != 0 {
		t.Fatalf("%d processes of uid 65534 left", n)
	}
}

func TestForkBombIsContained(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("switching to uid 65534 needs root (CAP_SETUID)")
	}
	if n := processesOfUID(65534); n != 0 {
		t.Skipf("%d processes of uid 65534 already run here", n)
	}
	s := shSpec(t, `b() { b | b & }; b; sleep 1; exit 0`, obj{"max_processes": 20, "wall_time_ms": 2000})
	r := launch(t, s, "-uid", "65534")
	tr := r.Tests[0]
	if tr.Verdict == verdict.InternalError || tr.WallTimeMs > 2500 {
		t.Fatalf("the bomb must run and be over by the wall limit: %s (%s) %s", tr.Verdict, tr.Message, ms(tr))
	}
	if !strings.Contains(tr.Stderr, "fork") {
		t.Fatalf("forks must have failed at the process limit; stderr %q", tr.Stderr)
	}
	if n := processesOfUID(65534); n != 0 {
		t.Fatalf("%d processes of uid 65534 left after the bomb", n)
	}
	t.Logf("fork bomb: %s (%s), %s", tr.Verdict, tr.Message, ms(tr))
}
