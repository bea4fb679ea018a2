// Package judge runs a spec: the compile step, then each test, and builds the result.
package judge

import (
	"errors"
	"fmt"
	"os"
	"time"

	"code-runner/launcher/internal/compare"
	"code-runner/launcher/internal/result"
	"code-runner/launcher/internal/sandbox"
	"code-runner/launcher/internal/spec"
	"code-runner/launcher/internal/verdict"
)

// Judge runs specs with one sandbox runner and one program environment.
type Judge struct {
	Runner *sandbox.Runner
	Env    []string // environment of every process (see ProgramEnv)
	// Stage, when set, is told each step as it starts: "compile", then "run" or "test i/n".
	Stage func(name string)
	// Exit, when set, is told how each step ended (interactive launches).
	Exit func(stage string, code *int, signal *string)
	// Stdin, when set, is every run's stdin instead of the test's (an interactive client's pipe).
	Stdin *os.File
}

// Run judges s. It always returns a result; launcher failures become InternalError.
func (j *Judge) Run(s spec.Spec) result.Result {
	var r result.Result
	if s.Compile != nil {
		j.stage("compile")
		c, ok := j.compile(s)
		j.exit("compile", c.ExitCode, c.Signal)
		r.Compile = &c
		if !ok {
			r.Verdict, r.Message = Overall(&c, nil)
			return r
		}
	}
	opts := s.Compare.Options()
	for i, t := range s.Tests {
		name := "run"
		if len(s.Tests) > 1 {
			name = fmt.Sprintf("test %d/%d", i+1, len(s.Tests))
		}
		j.stage(name)
		tr := j.test(s, t, opts)
		j.exit(name, tr.ExitCode, tr.Signal)
		r.Tests = append(r.Tests, tr)
		if s.StopOnFirstFailure && tr.Verdict != verdict.Accepted {
			break
		}
	}
	r.Verdict, r.Message = Overall(r.Compile, r.Tests)
	return r
}

func (j *Judge) stage(name string) {
	if j.Stage != nil {
		j.Stage(name)
	}
}

func (j *Judge) exit(stage string, code *int, signal *string) {
	if j.Exit != nil {
		j.Exit(stage, code, signal)
	}
}

func (j *Judge) compile(s spec.Spec) (result.Compile, bool) {
	res, err := j.Runner.Run(j.command(s.Compile.Command, s, nil, s.Compile.Limits))
	if err != nil {
		return result.Compile{Status: string(verdict.InternalError), Message: describe(err)}, false
	}
	v, msg := verdict.Classify(res.Outcome, classifyLimits(s.Compile.Limits))
	status := "Success"
	switch v {
	case verdict.Accepted:
	case verdict.RuntimeError:
		status = string(verdict.CompilationError)
	default:
		status = string(v)
	}
	c := result.Compile{
		Status: status, Message: msg,
		Stdout: string(res.Stdout.Data), Stderr: string(res.Stderr.Data),
		StdoutTruncated: res.Stdout.Truncated, StderrTruncated: res.Stderr.Truncated,
		TimeMs: res.Outcome.WallTime.Milliseconds(), CPUTimeMs: res.Outcome.CPUTime.Milliseconds(),
		MemoryKB: res.Outcome.PeakMemoryKB,
	}
	c.ExitCode, c.Signal = exitOf(res.Outcome)
	return c, status == "Success"
}

func (j *Judge) test(s spec.Spec, t spec.Test, opts compare.Options) result.Test {
	c := j.command(s.Run.Argv(), s, []byte(t.Stdin), s.Limits)
	c.StdinFile = j.Stdin
	res, err := j.Runner.Run(c)
	if err != nil {
		return result.Test{Verdict: verdict.InternalError, Message: describe(err)}
	}
	v, msg := verdict.Classify(res.Outcome, classifyLimits(s.Limits))
	if v == verdict.Accepted && t.ExpectedOutput != nil {
		if c := compare.Compare([]byte(*t.ExpectedOutput), res.Stdout.Data, opts); !c.Equal {
			v, msg = verdict.WrongAnswer, c.Detail
		}
	}
	tr := result.Test{
		Verdict: v, Message: msg,
		Stdout: string(res.Stdout.Data), Stderr: string(res.Stderr.Data), Output: string(res.Output.Data),
		StdoutTruncated: res.Stdout.Truncated, StderrTruncated: res.Stderr.Truncated, OutputTruncated: res.Output.Truncated,
		CPUTimeMs: res.Outcome.CPUTime.Milliseconds(), WallTimeMs: res.Outcome.WallTime.Milliseconds(),
		MemoryKB: res.Outcome.PeakMemoryKB,
	}
	tr.ExitCode, tr.Signal = exitOf(res.Outcome)
	return tr
}

func (j *Judge) command(argv []string, s spec.Spec, stdin []byte, l spec.Limits) sandbox.Command {
	return sandbox.Command{Argv: argv, Dir: s.Workdir, Env: j.Env, Stdin: stdin, Limits: sandboxLimits(l)}
}

// describe turns a launcher failure into a message for the result.
func describe(err error) string {
	var se *sandbox.StartError
	if errors.As(err, &se) {
		return se.Error()
	}
	return "launcher: " + err.Error()
}

func exitOf(o verdict.Outcome) (*int, *string) {
	if o.Signal != 0 {
		name := verdict.SignalName(o.Signal)
		return nil, &name
	}
	code := o.ExitCode
	return &code, nil
}

const (
	kb = 1024
	mb = 1024 * kb
)

func sandboxLimits(l spec.Limits) sandbox.Limits {
	return sandbox.Limits{
		CPUTime:           time.Duration(l.CPUTimeMs) * time.Millisecond,
		WallTime:          time.Duration(l.WallTimeMs) * time.Millisecond,
		MemoryBytes:       l.MemoryMB * mb,
		AddressSpaceBytes: l.AddressSpaceMB * mb,
		FileSizeBytes:     l.FileSizeKB * kb,
		OutputBytes:       l.OutputKB * kb,
		MaxProcesses:      l.MaxProcesses,
	}
}

func classifyLimits(l spec.Limits) verdict.Limits {
	return verdict.Limits{
		CPUTime:  time.Duration(l.CPUTimeMs) * time.Millisecond,
		WallTime: time.Duration(l.WallTimeMs) * time.Millisecond,
		MemoryKB: l.MemoryMB * kb,
	}
}
