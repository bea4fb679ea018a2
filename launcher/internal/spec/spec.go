// Package spec reads the launcher's input: what to compile, what to run, the tests and the limits.
package spec

import (
	"code-runner/launcher/internal/compare"
)

// Spec is the launcher's input file.
type Spec struct {
	Compile            *Compile `json:"compile"`
	Run                Run      `json:"run"`
	Workdir            string   `json:"workdir"` // the code, read-only; cwd of every process
	Scratch            string   `json:"scratch"` // writable; TMPDIR and HOME of every process
	Stdin              string   `json:"stdin"`   // used when there are no tests
	Tests              []Test   `json:"tests"`
	Compare            Compare  `json:"compare"`
	Limits             Limits   `json:"limits"`
	StopOnFirstFailure bool     `json:"stop_on_first_failure"`
}

// Compile is the optional compile step, run once before the tests.
type Compile struct {
	Command []string `json:"command"`
	Limits  Limits   `json:"limits"`
}

// Run is the program run once per test: Command followed by Args.
type Run struct {
	Command []string `json:"command"`
	Args    []string `json:"args"`
}

// Argv is the full command line of a run.
func (r Run) Argv() []string {
	return append(append([]string{}, r.Command...), r.Args...)
}

// Test is one input; a nil ExpectedOutput means "judge by exit status only".
type Test struct {
	Stdin          string  `json:"stdin"`
	ExpectedOutput *string `json:"expected_output"`
}

// Compare selects the output comparison; absent tolerances default to 1e-6.
type Compare struct {
	Mode   compare.Mode `json:"mode"`
	AbsTol *float64     `json:"abs_tol"`
	RelTol *float64     `json:"rel_tol"`
}

// Options is the comparison with defaults applied.
func (c Compare) Options() compare.Options {
	o := compare.Options{Mode: c.Mode, AbsTol: defaultTolerance, RelTol: defaultTolerance}
	if o.Mode == "" {
		o.Mode = compare.Exact
	}
	if c.AbsTol != nil {
		o.AbsTol = *c.AbsTol
	}
	if c.RelTol != nil {
		o.RelTol = *c.RelTol
	}
	return o
}

const defaultTolerance = 1e-6

// Limits bound one process; a zero field takes the default for its step.
type Limits struct {
	CPUTimeMs      int64 `json:"cpu_time_ms"`
	WallTimeMs     int64 `json:"wall_time_ms"`
	MemoryMB       int64 `json:"memory_mb"`        // resident memory of the process group
	AddressSpaceMB int64 `json:"address_space_mb"` // RLIMIT_AS; 0 leaves it unset (JVM/Go reserve far more than they use)
	MaxProcesses   int64 `json:"max_processes"`    // RLIMIT_NPROC headroom: processes and threads
	OutputKB       int64 `json:"output_kb"`        // stdout + stderr bytes
	FileSizeKB     int64 `json:"file_size_kb"`     // RLIMIT_FSIZE
}
