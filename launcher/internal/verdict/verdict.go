// Package verdict turns what the kernel reported about a finished process into a judge verdict.
package verdict

import (
	"syscall"
	"time"
)

// Verdict is a judge's answer for one run or for the whole submission.
type Verdict string

const (
	Accepted            Verdict = "Accepted"
	WrongAnswer         Verdict = "WrongAnswer"
	CompilationError    Verdict = "CompilationError"
	TimeLimitExceeded   Verdict = "TimeLimitExceeded"
	MemoryLimitExceeded Verdict = "MemoryLimitExceeded"
	OutputLimitExceeded Verdict = "OutputLimitExceeded"
	RuntimeError        Verdict = "RuntimeError"
	InternalError       Verdict = "InternalError"
)

// KillReason records why the launcher itself killed the process group, if it did.
type KillReason int

const (
	NotKilled KillReason = iota
	KilledWallTime
	KilledCPUTime
	KilledMemory
	KilledOutput
)

// Outcome is what is known about a finished process.
type Outcome struct {
	ExitCode     int            // meaningful when Signal is 0
	Signal       syscall.Signal // the signal that ended the process, 0 if it exited
	CPUTime      time.Duration  // user + system, the process and its reaped descendants
	WallTime     time.Duration
	PeakMemoryKB int64 // max of ru_maxrss and the sampled resident size of the group
	Killed       KillReason
	OOMKills     int64 // increase of the cgroup's oom_kill counter during the run
}

// Limits are the bounds the outcome is judged against; zero means unlimited.
type Limits struct {
	CPUTime  time.Duration
	WallTime time.Duration
	MemoryKB int64
}
