package main_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"code-runner/launcher/internal/result"
	"code-runner/launcher/internal/verdict"
)

func TestCompileErrorFromShell(t *testing.T) {
	s := obj{
		"compile": obj{"command": []string{"/bin/sh", "-c", "echo 'main.c:1: error: expected ;' >&2; exit 1"}},
		"run":     obj{"command": []string{"/bin/true"}},
		"workdir": workdir(t),
	}
	r := launch(t, s)
	if r.Verdict != verdict.CompilationError || r.Compile == nil || r.Compile.Status != "CompilationError" {
		t.Fatalf("verdict %s compile %+v", r.Verdict, r.Compile)
	}
	if r.Compile.Stderr != "main.c:1: error: expected ;\n" || *r.Compile.ExitCode != 1 || len(r.Tests) != 0 {
		t.Fatalf("compile %+v, %d tests run", r.Compile, len(r.Tests))
	}
}

// gccSpec compiles source with gcc into scratch and runs the binary.
func gccSpec(t *testing.T, source string) obj {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc not installed")
	}
	dir, scratch := workdir(t), workdir(t)
	if err := os.WriteFile(filepath.Join(dir, "main.c"), []byte(source), 0o444); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(scratch, "a.out")
	return obj{
		"compile": obj{"command": []string{"gcc", "-O2", "-o", bin, "main.c"}},
		"run":     obj{"command": []string{bin}},
		"workdir": dir, "scratch": scratch,
	}
}

func TestCompileErrorFromGCC(t *testing.T) {
	r := launch(t, gccSpec(t, "int main(void) { return 0 }\n"))
	if r.Verdict != verdict.CompilationError || !strings.Contains(r.Compile.Stderr, "error") {
		t.Fatalf("verdict %s compile %+v", r.Verdict, r.Compile)
	}
}

const aPlusBC = `#include <stdio.h>
int main(void) { long a, b; if (scanf("%ld %ld", &a, &b) != 2) return 2; printf("%ld\n", a + b); return 0; }
`

func TestCompiledAPlusB(t *testing.T) {
	s := gccSpec(t, aPlusBC)
	s["tests"] = []obj{{"stdin": "1 2\n", "expected_output": "3\n"}, {"stdin": "-5 5", "expected_output": "0"}}
	s["compare"] = obj{"mode": "trim_trailing"}
	r := launch(t, s)
	if r.Verdict != verdict.Accepted || r.Compile.Status != "Success" || len(r.Tests) != 2 {
		t.Fatalf("verdict %s (%s) compile %+v", r.Verdict, r.Message, r.Compile)
	}
	t.Logf("compile: wall %d ms; test 1: %s", r.Compile.TimeMs, ms(r.Tests[0]))
}

// TestFiftyTestsSomeWrong runs an A+B program on 50 tests whose expected outputs are
// wrong for tests 8, 23 and 50.
func TestFiftyTestsSomeWrong(t *testing.T) {
	wrong := map[int]bool{8: true, 23: true, 50: true}
	var tests []obj
	for i := 1; i <= 50; i++ {
		want := 2*i + 1
		if wrong[i] {
			want++
		}
		tests = append(tests, obj{"stdin": fmt.Sprintf("%d %d\n", i, i+1), "expected_output": fmt.Sprintf("%d\n", want)})
	}
	s := shSpec(t, `read a b; echo $((a + b))`, nil)
	s["tests"] = tests
	s["compare"] = obj{"mode": "tokens"}
	r := launch(t, s)
	if len(r.Tests) != 50 {
		t.Fatalf("%d test results", len(r.Tests))
	}
	for i, tr := range r.Tests {
		want := verdict.Accepted
		if wrong[i+1] {
			want = verdict.WrongAnswer
		}
		if tr.Verdict != want {
			t.Errorf("test %d: %s (%s), want %s", i+1, tr.Verdict, tr.Message, want)
		}
	}
	if r.Verdict != verdict.WrongAnswer || !strings.HasPrefix(r.Message, "test 8: token 1") {
		t.Fatalf("overall %s %q", r.Verdict, r.Message)
	}
}

func TestStopOnFirstFailure(t *testing.T) {
	s := shSpec(t, `read x; test "$x" != bad`, nil)
	s["tests"] = []obj{{"stdin": "ok"}, {"stdin": "bad"}, {"stdin": "ok"}}
	s["stop_on_first_failure"] = true
	r := launch(t, s)
	if r.Verdict != verdict.RuntimeError || len(r.Tests) != 2 {
		t.Fatalf("verdict %s after %d tests", r.Verdict, len(r.Tests))
	}
}

func TestNoTestsRunsTopLevelStdin(t *testing.T) {
	s := shSpec(t, `cat`, nil)
	s["stdin"] = "hello\n"
	r := launch(t, s)
	if r.Verdict != verdict.Accepted || len(r.Tests) != 1 || r.Tests[0].Stdout != "hello\n" {
		t.Fatalf("verdict %s tests %+v", r.Verdict, r.Tests)
	}
}

func TestProgramCannotSeeNonceOrLauncherVariables(t *testing.T) {
	t.Setenv("CODE_RUNNER_RESULT_NONCE", nonce)
	tr := launch(t, shSpec(t, `env | grep -c CODE_RUNNER_ || true; echo "$TMPDIR"`, nil)).Tests[0]
	if tr.Stdout != "0\n/tmp\n" {
		t.Fatalf("stdout %q", tr.Stdout)
	}
}

func TestInvalidSpecStillGivesResult(t *testing.T) {
	r := launch(t, obj{"run": obj{"command": []string{}}, "limits": obj{"cpu_time_ms": -1}})
	if r.Verdict != verdict.InternalError || !strings.Contains(r.Message, "run.command") || !strings.Contains(r.Message, "limits.cpu_time_ms") {
		t.Fatalf("verdict %s message %q", r.Verdict, r.Message)
	}
}

func TestMissingProgramIsInternalError(t *testing.T) {
	s := obj{"run": obj{"command": []string{"no-such-program-xyz"}}, "workdir": workdir(t)}
	r := launch(t, s)
	if r.Verdict != verdict.InternalError || !strings.Contains(r.Tests[0].Message, "no-such-program-xyz") {
		t.Fatalf("verdict %s tests %+v", r.Verdict, r.Tests)
	}
}

func TestResultStaysUnderBound(t *testing.T) {
	var tests []obj
	for range 50 {
		tests = append(tests, obj{"stdin": ""})
	}
	s := shSpec(t, `head -c 200000 /dev/zero | tr '\0' x; head -c 100000 /dev/zero | tr '\0' y >&2`, nil)
	s["tests"] = tests
	b := launchJSON(t, s, "-max-result-kb", "1024")
	if len(b) > 1024*1024 {
		t.Fatalf("result is %d bytes, over 1 MiB", len(b))
	}
	var r result.Result
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if !r.Truncated || len(r.Tests) != 50 || !r.Tests[49].StdoutTruncated || r.Tests[49].Stdout == "" {
		t.Fatalf("truncated %v, %d tests", r.Truncated, len(r.Tests))
	}
	if r.Verdict != verdict.Accepted {
		t.Fatalf("cutting the report must not change verdicts: %s", r.Verdict)
	}
}

func TestLargeStdinReadOrIgnored(t *testing.T) {
	big := strings.Repeat("0123456789abcdef", 1<<16) // 1 MiB, far over a pipe's buffer
	s := shSpec(t, `wc -c`, nil)
	s["tests"] = []obj{{"stdin": big}}
	if tr := launch(t, s).Tests[0]; strings.TrimSpace(tr.Stdout) != "1048576" {
		t.Fatalf("program read %q bytes", tr.Stdout)
	}
	s = shSpec(t, `exit 0`, obj{"wall_time_ms": 2000})
	s["tests"] = []obj{{"stdin": big}}
	if tr := launch(t, s).Tests[0]; tr.Verdict != verdict.Accepted || tr.WallTimeMs > 500 {
		t.Fatalf("unread stdin must not hold the run: %s %s", tr.Verdict, ms(tr))
	}
}
