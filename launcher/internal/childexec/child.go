package childexec

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

// rlimitNPROC is RLIMIT_NPROC on Linux; the syscall package does not name it.
const rlimitNPROC = 6

// Main runs in the re-executed child and never returns: it applies the limits and
// execs the program, or reports why not on StatusFD and exits 127.
func Main(args []string) {
	syscall.CloseOnExec(StatusFD)
	fail := func(err error) {
		status := os.NewFile(StatusFD, "status")
		fmt.Fprint(status, err.Error())
		os.Exit(127)
	}
	l, argv, err := Parse(args)
	if err != nil {
		fail(err)
	}
	path, err := exec.LookPath(argv[0])
	if err != nil {
		fail(err)
	}
	// Prefer the program over the launcher when the pod's cgroup runs out of memory.
	_ = os.WriteFile("/proc/self/oom_score_adj", []byte("1000"), 0)
	if err := apply(l); err != nil {
		fail(err)
	}
	err = syscall.Exec(path, argv, os.Environ())
	fail(fmt.Errorf("exec %s: %w", path, err))
}

// apply sets the rlimits; NPROC goes last because it can stop this process's own threads.
func apply(l Limits) error {
	set := []struct {
		name     string
		resource int
		soft     int64
		hard     int64
	}{
		{"RLIMIT_CPU", syscall.RLIMIT_CPU, l.CPUSeconds, l.CPUSeconds + 1},
		{"RLIMIT_AS", syscall.RLIMIT_AS, l.AddressSpace, l.AddressSpace},
		{"RLIMIT_FSIZE", syscall.RLIMIT_FSIZE, l.FileSize, l.FileSize},
		{"RLIMIT_NPROC", rlimitNPROC, l.Processes, l.Processes},
	}
	for _, s := range set {
		if s.soft == 0 {
			continue
		}
		if err := syscall.Setrlimit(s.resource, &syscall.Rlimit{Cur: uint64(s.soft), Max: uint64(s.hard)}); err != nil {
			return fmt.Errorf("%s=%d: %w", s.name, s.soft, err)
		}
	}
	return nil
}
