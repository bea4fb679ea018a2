package sandbox

import (
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
	"time"

	"code-runner/launcher/internal/capture"
	"code-runner/launcher/internal/cgroup"
	"code-runner/launcher/internal/childexec"
	"code-runner/launcher/internal/verdict"
)

// drainGrace is how long the pipes may still deliver output after the group is gone.
const drainGrace = 500 * time.Millisecond

// reapGrace bounds the hunt for orphans after the program exits.
const reapGrace = 2 * time.Second

// Run starts c, enforces its limits and waits for it and everything it started.
// An error means the launcher could not run it (*StartError, or a system error);
// a program that fails is a Result, not an error.
func (r *Runner) Run(c Command) (Result, error) {
	p, err := newPipes()
	if err != nil {
		return Result{}, err
	}
	defer p.closeAll()

	k := &killer{}
	capt := capture.New(c.Limits.OutputBytes, func() { k.kill(verdict.KilledOutput) }).Tee(r.Live)
	var before syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &before)
	cgBefore := r.Cgroup.Read()

	argv := childexec.Args(r.Self, r.rlimits(c.Limits), c.Argv)
	stdin := p.stdinR
	if c.StdinFile != nil {
		stdin = c.StdinFile
	}
	start := time.Now()
	pid, err := syscall.ForkExec(r.Self, argv, &syscall.ProcAttr{
		Dir:   c.Dir,
		Env:   c.Env,
		Files: []uintptr{stdin.Fd(), p.stdoutW.Fd(), p.stderrW.Fd(), p.statusW.Fd()},
		Sys:   &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL, Credential: r.Credential},
	})
	if err != nil {
		return Result{}, &StartError{Program: c.Argv[0], Reason: err.Error()}
	}
	k.pgid = pid // the shim leads its own group: pgid == pid
	p.closeChildEnds()
	r.setCurrent(k)
	defer r.setCurrent(nil)
	timer := time.AfterFunc(wallOrForever(c.Limits.WallTime), func() { k.kill(verdict.KilledWallTime) })
	defer timer.Stop()

	var streams sync.WaitGroup
	streams.Add(2)
	go func() { defer streams.Done(); _, _ = io.Copy(capt.Stdout(), p.stdoutR) }()
	go func() { defer streams.Done(); _, _ = io.Copy(capt.Stderr(), p.stderrR) }()

	// EOF on the status pipe means the exec happened; text means it did not.
	status, _ := io.ReadAll(p.statusR)
	if len(status) > 0 {
		k.kill(verdict.NotKilled)
		_ = waitExited(pid)
		k.finish()
		reapDescendants(r.Proc, reapGrace)
		return Result{}, &StartError{Program: c.Argv[0], Reason: string(status)}
	}

	go func() { _, _ = p.stdinW.Write(c.Stdin); _ = p.stdinW.Close() }()
	stop := make(chan struct{})
	peak := make(chan int64, 1)
	go func() { peak <- watch(r.Proc, pid, c.Limits, r.Poll, k, stop) }()

	if err := waitExited(pid); err != nil {
		k.kill(verdict.NotKilled)
		return Result{}, fmt.Errorf("waitid %d: %w", pid, err)
	}
	wall := time.Since(start)
	timer.Stop()
	close(stop)
	reason := k.finish()
	var ws syscall.WaitStatus
	var ru syscall.Rusage
	if _, err := syscall.Wait4(pid, &ws, 0, &ru); err != nil {
		return Result{}, fmt.Errorf("wait4 %d: %w", pid, err)
	}
	reapDescendants(r.Proc, reapGrace)

	// Everything that could write is dead; stop waiting for pipes a stray process may hold.
	_ = p.stdinW.Close()
	_ = p.stdoutR.SetReadDeadline(time.Now().Add(drainGrace))
	_ = p.stderrR.SetReadDeadline(time.Now().Add(drainGrace))
	streams.Wait()
	if reason == verdict.NotKilled && capt.Exceeded() {
		reason = verdict.KilledOutput // crossed the limit while the pipes drained
	}

	var after syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &after)
	o := verdict.Outcome{
		CPUTime:      cpuTime(after) - cpuTime(before),
		WallTime:     wall,
		PeakMemoryKB: max(ru.Maxrss, <-peak/1024), // ru_maxrss is in KB on Linux
		Killed:       reason,
		OOMKills:     cgroup.OOMKillsSince(cgBefore, r.Cgroup.Read()),
	}
	if ws.Signaled() {
		o.Signal = ws.Signal()
	} else {
		o.ExitCode = ws.ExitStatus()
	}
	res := Result{Outcome: o}
	res.Stdout, res.Stderr, res.Output = capt.Streams()
	return res, nil
}

// wallOrForever maps "no wall limit" to a timer that never fires in practice.
func wallOrForever(d time.Duration) time.Duration {
	if d <= 0 {
		return 1<<63 - 1
	}
	return d
}

func cpuTime(ru syscall.Rusage) time.Duration {
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rlimits turns the limits into the shim's rlimit values. RLIMIT_NPROC counts every
// task of the user, so the launcher's own threads are added when it shares the user.
func (r *Runner) rlimits(l Limits) childexec.Limits {
	out := childexec.Limits{AddressSpace: l.AddressSpaceBytes, FileSize: l.FileSizeBytes}
	if l.CPUTime > 0 {
		out.CPUSeconds = int64((l.CPUTime + time.Second - 1) / time.Second)
	}
	if l.MaxProcesses > 0 {
		out.Processes = l.MaxProcesses
		if r.Credential == nil {
			out.Processes += ownTasks(r.Proc)
		}
	}
	return out
}

// ownTasks counts this process's threads.
func ownTasks(proc string) int64 {
	entries, err := os.ReadDir(proc + "/self/task")
	if err != nil {
		return 0
	}
	return int64(len(entries))
}
