package verdict

import (
	"fmt"
	"syscall"
)

// nearMemoryLimit is the share of the memory limit above which a crash is blamed on memory.
const nearMemoryLimit = 0.9

// Classify judges a finished run; Accepted means it ran cleanly within its limits
// (the caller then compares output). The message says which rule decided.
//
// Order matters: the launcher's own kill reason is certain, the kernel's signals
// next, and inferences from measurements last.
func Classify(o Outcome, l Limits) (Verdict, string) {
	switch o.Killed {
	case KilledOutput:
		return OutputLimitExceeded, "output limit exceeded"
	case KilledMemory:
		return MemoryLimitExceeded, fmt.Sprintf("memory limit exceeded (%d KB used)", o.PeakMemoryKB)
	case KilledCPUTime:
		return TimeLimitExceeded, fmt.Sprintf("CPU time limit of %d ms exceeded", l.CPUTime.Milliseconds())
	case KilledWallTime:
		return TimeLimitExceeded, fmt.Sprintf("wall time limit of %d ms exceeded", l.WallTime.Milliseconds())
	}
	if o.OOMKills > 0 {
		return MemoryLimitExceeded, "killed by the kernel's OOM killer"
	}
	switch o.Signal {
	case syscall.SIGXFSZ:
		return OutputLimitExceeded, "file size limit exceeded (SIGXFSZ)"
	case syscall.SIGXCPU:
		return TimeLimitExceeded, "CPU time limit exceeded (SIGXCPU)"
	case syscall.SIGKILL, syscall.SIGSEGV:
		if l.MemoryKB > 0 && float64(o.PeakMemoryKB) >= nearMemoryLimit*float64(l.MemoryKB) {
			return MemoryLimitExceeded, fmt.Sprintf("%s with memory at %d of %d KB", SignalName(o.Signal), o.PeakMemoryKB, l.MemoryKB)
		}
	}
	if l.CPUTime > 0 && o.CPUTime > l.CPUTime {
		return TimeLimitExceeded, fmt.Sprintf("CPU time %d ms over the limit of %d ms", o.CPUTime.Milliseconds(), l.CPUTime.Milliseconds())
	}
	if l.WallTime > 0 && o.WallTime > l.WallTime {
		return TimeLimitExceeded, fmt.Sprintf("wall time %d ms over the limit of %d ms", o.WallTime.Milliseconds(), l.WallTime.Milliseconds())
	}
	if o.Signal != 0 {
		return RuntimeError, "killed by " + SignalName(o.Signal)
	}
	if o.ExitCode != 0 {
		return RuntimeError, fmt.Sprintf("exit code %d", o.ExitCode)
	}
	return Accepted, ""
}
