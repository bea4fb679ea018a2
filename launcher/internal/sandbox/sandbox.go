// Package sandbox runs one process under limits and reports what the kernel saw.
//
// The process runs in its own process group through the childexec shim, with its
// stdout and stderr on pipes (never on the launcher's own stdout). The launcher is
// a child subreaper, so anything the process leaves behind is reparented to it,
// killed and reaped before Run returns.
package sandbox

import (
	"os"
	"sync"
	"syscall"
	"time"

	"code-runner/launcher/internal/capture"
	"code-runner/launcher/internal/cgroup"
	"code-runner/launcher/internal/verdict"
)

// Limits bound one run; a zero field is unlimited.
type Limits struct {
	CPUTime           time.Duration
	WallTime          time.Duration
	MemoryBytes       int64 // resident size of the process group, sampled
	AddressSpaceBytes int64 // RLIMIT_AS
	FileSizeBytes     int64 // RLIMIT_FSIZE
	OutputBytes       int64 // stdout + stderr
	MaxProcesses      int64 // RLIMIT_NPROC beyond the launcher's own threads
}

// Command is one process to run.
type Command struct {
	Argv  []string
	Dir   string
	Env   []string
	Stdin []byte
	// StdinFile, when set, is the program's stdin instead of Stdin (an interactive client's pipe).
	StdinFile *os.File
	Limits    Limits
}

// Result is the finished process: its outcome and its captured streams.
type Result struct {
	Outcome                verdict.Outcome
	Stdout, Stderr, Output capture.Stream
}

// Runner starts processes; it runs one at a time (it reaps every child of the launcher).
type Runner struct {
	Self       string              // the launcher binary, re-executed as the childexec shim
	Credential *syscall.Credential // run as this user (needs CAP_SETUID); nil keeps the launcher's
	Cgroup     *cgroup.Memory      // for OOM kills; nil when unreadable
	Poll       time.Duration       // sampling period of the group's memory and CPU
	Proc       string              // procfs mount, normally /proc
	Live       *capture.Live       // a bounded copy of the output as it arrives (the pod log); nil: none

	mu      sync.Mutex
	current *killer // the running command's group, for Signal
}

// Signal sends sig to the running command's process group (none running: nothing happens).
func (r *Runner) Signal(sig syscall.Signal) {
	r.mu.Lock()
	k := r.current
	r.mu.Unlock()
	if k != nil {
		k.signal(sig)
	}
}

func (r *Runner) setCurrent(k *killer) {
	r.mu.Lock()
	r.current = k
	r.mu.Unlock()
}

// StartError says the program never ran: not found, not executable, a limit refused.
type StartError struct {
	Program string
	Reason  string
}

func (e *StartError) Error() string { return "cannot start " + e.Program + ": " + e.Reason }
