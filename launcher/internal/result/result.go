// Package result is the launcher's output: the JSON result, bounded in size, written to a
// file and framed on stdout between nonce-marked lines.
package result

import "code-runner/launcher/internal/verdict"

// Result is the whole submission's result.
type Result struct {
	Verdict   verdict.Verdict `json:"verdict"`
	Message   string          `json:"message,omitempty"`
	Compile   *Compile        `json:"compile"`
	Tests     []Test          `json:"tests"`
	Cgroup    *Cgroup         `json:"cgroup"`
	Truncated bool            `json:"truncated"` // streams were shortened to keep the result under its size bound
}

// Compile is the compile step; Status is "Success" or the verdict that stopped it.
type Compile struct {
	Status          string  `json:"status"`
	Message         string  `json:"message,omitempty"`
	Stdout          string  `json:"stdout"`
	Stderr          string  `json:"stderr"`
	StdoutTruncated bool    `json:"stdout_truncated"`
	StderrTruncated bool    `json:"stderr_truncated"`
	ExitCode        *int    `json:"exit_code"`
	Signal          *string `json:"signal"`
	TimeMs          int64   `json:"time_ms"`     // wall time
	CPUTimeMs       int64   `json:"cpu_time_ms"` // user + system
	MemoryKB        int64   `json:"memory_kb"`
}

// Test is one run of the program.
type Test struct {
	Verdict         verdict.Verdict `json:"verdict"`
	Message         string          `json:"message,omitempty"`
	Stdout          string          `json:"stdout"`
	Stderr          string          `json:"stderr"`
	Output          string          `json:"output"` // stdout and stderr in arrival order
	StdoutTruncated bool            `json:"stdout_truncated"`
	StderrTruncated bool            `json:"stderr_truncated"`
	OutputTruncated bool            `json:"output_truncated"`
	ExitCode        *int            `json:"exit_code"`
	Signal          *string         `json:"signal"`
	CPUTimeMs       int64           `json:"cpu_time_ms"`
	WallTimeMs      int64           `json:"wall_time_ms"`
	MemoryKB        int64           `json:"memory_kb"`
}

// Cgroup is the pod cgroup's memory accounting at the end; nil fields were unreadable.
type Cgroup struct {
	Version       int    `json:"version"`
	Dir           string `json:"dir"`
	MemoryPeakKB  *int64 `json:"memory_peak_kb"`
	MemoryLimitKB *int64 `json:"memory_limit_kb"`
	OOMKills      *int64 `json:"oom_kills"`
}
