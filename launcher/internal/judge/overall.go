package judge

import (
	"fmt"

	"code-runner/launcher/internal/result"
	"code-runner/launcher/internal/verdict"
)

// Overall is the submission's verdict: a failed compile (CompilationError, or
// InternalError when the compiler could not start), else the first test that was
// not Accepted, else Accepted.
func Overall(c *result.Compile, tests []result.Test) (verdict.Verdict, string) {
	if c != nil && c.Status != "Success" {
		if c.Status == string(verdict.InternalError) {
			return verdict.InternalError, c.Message
		}
		if c.Status == string(verdict.CompilationError) {
			return verdict.CompilationError, c.Message
		}
		return verdict.CompilationError, "compiler: " + c.Message
	}
	for i, t := range tests {
		if t.Verdict != verdict.Accepted {
			return t.Verdict, fmt.Sprintf("test %d: %s", i+1, t.Message)
		}
	}
	if len(tests) == 0 {
		return verdict.InternalError, "no test was run"
	}
	return verdict.Accepted, ""
}
