package spec

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"code-runner/launcher/internal/compare"
)

func TestParseAppliesDefaults(t *testing.T) {
	s, err := Parse([]byte(`{"run": {"command": ["python3", "main.py"]}, "stdin": "1 2\n", "limits": {"cpu_time_ms": 500}}`))
	if err != nil {
		t.Fatal(err)
	}
	if s.Workdir != "/workspace" || s.Scratch != "/tmp" {
		t.Errorf("workdir %q scratch %q", s.Workdir, s.Scratch)
	}
	if len(s.Tests) != 1 || s.Tests[0].Stdin != "1 2\n" || s.Tests[0].ExpectedOutput != nil {
		t.Errorf("no tests must become one run of the top-level stdin, got %+v", s.Tests)
	}
	want := RunDefaults
	want.CPUTimeMs, want.WallTimeMs = 500, 2000
	if s.Limits != want {
		t.Errorf("limits = %+v, want %+v", s.Limits, want)
	}
	if s.Compile != nil {
		t.Errorf("compile = %+v, want nil", s.Compile)
	}
	if got := s.Compare.Options(); got != (compare.Options{Mode: compare.Exact, AbsTol: 1e-6, RelTol: 1e-6}) {
		t.Errorf("compare options = %+v", got)
	}
}

func TestParseCompileAndTests(t *testing.T) {
	s, err := Parse([]byte(`{
		"compile": {"command": ["g++", "-o", "/tmp/a.out", "main.cpp"], "limits": {"wall_time_ms": 30000}},
		"run": {"command": ["/tmp/a.out"], "args": ["x"]},
		"tests": [{"stdin": "1", "expected_output": "2"}, {"stdin": "3", "expected_output": null}],
		"compare": {"mode": "float", "abs_tol": 0},
		"stop_on_first_failure": true}`))
	if err != nil {
		t.Fatal(err)
	}
	if s.Compile.Limits.WallTimeMs != 30000 || s.Compile.Limits.CPUTimeMs != CompileDefaults.CPUTimeMs {
		t.Errorf("compile limits = %+v", s.Compile.Limits)
	}
	if got := strings.Join(s.Run.Argv(), " "); got != "/tmp/a.out x" {
		t.Errorf("argv = %q", got)
	}
	if *s.Tests[0].ExpectedOutput != "2" || s.Tests[1].ExpectedOutput != nil {
		t.Errorf("tests = %+v", s.Tests)
	}
	if o := s.Compare.Options(); o.AbsTol != 0 || o.RelTol != 1e-6 || o.Mode != compare.Float {
		t.Errorf("explicit zero tolerance must be kept: %+v", o)
	}
	if !s.StopOnFirstFailure {
		t.Error("stop_on_first_failure lost")
	}
}

func TestValidationReportsEveryProblem(t *testing.T) {
	tests := strings.Repeat(`{"stdin": ""},`, MaxTests+1)
	_, err := Parse([]byte(`{"run": {"command": []}, "compile": {"command": [""]}, "workdir": "rel",
		"tests": [` + strings.TrimSuffix(tests, ",") + `],
		"compare": {"mode": "fuzzy", "rel_tol": -1}, "limits": {"cpu_time_ms": -5, "memory_mb": 1000000}}`))
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want *ValidationError", err)
	}
	var fields []string
	for _, p := range ve.Problems {
		fields = append(fields, p.Field)
	}
	want := "compare.mode compare.rel_tol compile.command limits.cpu_time_ms limits.memory_mb run.command tests workdir"
	if got := strings.Join(fields, " "); got != want {
		t.Fatalf("fields = %q\nwant     %q", got, want)
	}
}

func TestParseRejectsUnknownFieldsAndGarbage(t *testing.T) {
	for _, in := range []string{
		`{"run": {"command": ["x"]}, "limts": {}}`,
		`{"run": {"command": ["x"]}} {}`,
		`not json`,
	} {
		_, err := Parse([]byte(in))
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%s) err = %v, want *ParseError", in, err)
		}
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "absent.json"))
	var pe *ParseError
	if !errors.As(err, &pe) || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v", err)
	}
}
