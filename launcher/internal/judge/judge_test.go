package judge

import (
	"slices"
	"testing"

	"code-runner/launcher/internal/result"
	"code-runner/launcher/internal/verdict"
)

func TestOverall(t *testing.T) {
	ok := result.Test{Verdict: verdict.Accepted}
	wa := result.Test{Verdict: verdict.WrongAnswer, Message: "token 1"}
	tle := result.Test{Verdict: verdict.TimeLimitExceeded, Message: "wall"}
	cases := []struct {
		name    string
		compile *result.Compile
		tests   []result.Test
		want    verdict.Verdict
		message string
	}{
		{"all accepted", &result.Compile{Status: "Success"}, []result.Test{ok, ok}, verdict.Accepted, ""},
		{"first failure wins", nil, []result.Test{ok, tle, wa}, verdict.TimeLimitExceeded, "test 2: wall"},
		{"wrong answer", nil, []result.Test{wa}, verdict.WrongAnswer, "test 1: token 1"},
		{"compile error", &result.Compile{Status: "CompilationError", Message: "exit code 1"}, nil, verdict.CompilationError, "exit code 1"},
		{"compiler timed out", &result.Compile{Status: "TimeLimitExceeded", Message: "wall"}, nil, verdict.CompilationError, "compiler: wall"},
		{"compiler missing", &result.Compile{Status: "InternalError", Message: "cannot start"}, nil, verdict.InternalError, "cannot start"},
		{"no tests", nil, nil, verdict.InternalError, "no test was run"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, msg := Overall(c.compile, c.tests)
			if got != c.want || msg != c.message {
				t.Fatalf("got %s %q, want %s %q", got, msg, c.want, c.message)
			}
		})
	}
}

func TestProgramEnv(t *testing.T) {
	got := ProgramEnv([]string{"PATH=/bin", "CODE_RUNNER_RESULT_NONCE=secret", "HOME=/root", "TMPDIR=/var", "LANG=C.UTF-8"}, "/tmp")
	want := []string{"PATH=/bin", "LANG=C.UTF-8", "TMPDIR=/tmp", "HOME=/tmp"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q", got)
	}
}
