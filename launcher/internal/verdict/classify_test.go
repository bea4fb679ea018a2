package verdict

import (
	"strings"
	"syscall"
	"testing"
	"time"
)

var limits = Limits{CPUTime: time.Second, WallTime: 3 * time.Second, MemoryKB: 65536}

func TestClassify(t *testing.T) {
	cases := []struct {
		name    string
		o       Outcome
		want    Verdict
		message string // substring of the message
	}{
		{"clean exit", Outcome{CPUTime: 10 * time.Millisecond}, Accepted, ""},
		{"non-zero exit", Outcome{ExitCode: 3}, RuntimeError, "exit code 3"},
		{"segfault", Outcome{Signal: syscall.SIGSEGV, PeakMemoryKB: 2000}, RuntimeError, "SIGSEGV"},
		{"abort", Outcome{Signal: syscall.SIGABRT}, RuntimeError, "SIGABRT"},
		{"fpe", Outcome{Signal: syscall.SIGFPE}, RuntimeError, "SIGFPE"},
		{"plain SIGKILL", Outcome{Signal: syscall.SIGKILL, PeakMemoryKB: 1000}, RuntimeError, "SIGKILL"},

		{"killed at wall limit", Outcome{Signal: syscall.SIGKILL, Killed: KilledWallTime}, TimeLimitExceeded, "wall time limit of 3000 ms"},
		{"killed at CPU limit", Outcome{Signal: syscall.SIGKILL, Killed: KilledCPUTime}, TimeLimitExceeded, "CPU time limit of 1000 ms"},
		{"SIGXCPU from rlimit", Outcome{Signal: syscall.SIGXCPU}, TimeLimitExceeded, "SIGXCPU"},
		{"CPU over limit yet exit 0", Outcome{CPUTime: 1001 * time.Millisecond}, TimeLimitExceeded, "CPU time 1001 ms"},
		{"wall over limit yet exit 0", Outcome{WallTime: 3001 * time.Millisecond}, TimeLimitExceeded, "wall time 3001 ms"},
		{"CPU exactly at limit", Outcome{CPUTime: time.Second}, Accepted, ""},

		{"killed by memory watchdog", Outcome{Signal: syscall.SIGKILL, Killed: KilledMemory, PeakMemoryKB: 70000}, MemoryLimitExceeded, "70000 KB"},
		{"OOM kill seen in cgroup", Outcome{Signal: syscall.SIGKILL, OOMKills: 1}, MemoryLimitExceeded, "OOM"},
		{"OOM kill of a grandchild", Outcome{ExitCode: 0, OOMKills: 1}, MemoryLimitExceeded, "OOM"},
		{"SIGKILL near memory limit", Outcome{Signal: syscall.SIGKILL, PeakMemoryKB: 60000}, MemoryLimitExceeded, "SIGKILL"},
		{"SIGSEGV near memory limit", Outcome{Signal: syscall.SIGSEGV, PeakMemoryKB: 65000}, MemoryLimitExceeded, "SIGSEGV"},
		{"SIGSEGV just under 90%", Outcome{Signal: syscall.SIGSEGV, PeakMemoryKB: 58000}, RuntimeError, "SIGSEGV"},
		{"exit 1 near memory limit", Outcome{ExitCode: 1, PeakMemoryKB: 65000}, RuntimeError, "exit code 1"},

		{"killed at output limit", Outcome{Signal: syscall.SIGKILL, Killed: KilledOutput}, OutputLimitExceeded, "output"},
		{"SIGXFSZ from rlimit", Outcome{Signal: syscall.SIGXFSZ}, OutputLimitExceeded, "SIGXFSZ"},

		{"launcher reason beats memory inference", Outcome{Signal: syscall.SIGKILL, Killed: KilledWallTime, PeakMemoryKB: 65000}, TimeLimitExceeded, "wall"},
		{"output kill beats CPU overrun", Outcome{Signal: syscall.SIGKILL, Killed: KilledOutput, CPUTime: 2 * time.Second}, OutputLimitExceeded, "output"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, msg := Classify(c.o, limits)
			if got != c.want {
				t.Fatalf("verdict = %s (%s), want %s", got, msg, c.want)
			}
			if !strings.Contains(msg, c.message) {
				t.Fatalf("message %q does not mention %q", msg, c.message)
			}
		})
	}
}

func TestNoMemoryLimitNeverInfersMemory(t *testing.T) {
	got, _ := Classify(Outcome{Signal: syscall.SIGKILL, PeakMemoryKB: 1 << 30}, Limits{})
	if got != RuntimeError {
		t.Fatalf("verdict = %s, want RuntimeError", got)
	}
}

func TestSignalName(t *testing.T) {
	if got := SignalName(syscall.SIGSEGV); got != "SIGSEGV" {
		t.Errorf("SignalName(SIGSEGV) = %q", got)
	}
	if got := SignalName(syscall.Signal(40)); got != "SIG40" {
		t.Errorf("SignalName(40) = %q", got)
	}
}
