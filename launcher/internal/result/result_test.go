package result

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"code-runner/launcher/internal/verdict"
)

func bigResult(tests int, stream string) Result {
	r := Result{Verdict: verdict.Accepted, Compile: &Compile{Status: "Success", Stderr: stream}}
	for range tests {
		r.Tests = append(r.Tests, Test{Verdict: verdict.Accepted, Stdout: stream, Stderr: "short", Output: stream})
	}
	return r
}

func TestEncodeSmallIsUntouched(t *testing.T) {
	r := bigResult(2, "hello")
	b, err := Encode(r, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	var back Result
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Truncated || back.Tests[1].Stdout != "hello" || back.Tests[0].StdoutTruncated {
		t.Fatalf("got %+v", back)
	}
}

func TestEncodeStaysUnderBound(t *testing.T) {
	for _, stream := range []string{
		strings.Repeat("a", 200_000),
		strings.Repeat("\x01", 200_000), // escapes to \u0001: six bytes each in JSON
		strings.Repeat("é", 100_000),    // two-byte runes must not be split
		strings.Repeat("\xff", 100_000), // invalid UTF-8 becomes \ufffd
	} {
		r := bigResult(50, stream)
		const max = 1 << 20
		b, err := Encode(r, max)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > max {
			t.Fatalf("encoded %d bytes, over %d", len(b), max)
		}
		var back Result
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		first := back.Tests[0]
		if !back.Truncated || !first.StdoutTruncated || !first.OutputTruncated || first.StderrTruncated {
			t.Fatalf("flags: result %v test %+v", back.Truncated, first)
		}
		if first.Stderr != "short" || first.Stdout == "" || !back.Compile.StderrTruncated {
			t.Fatalf("short streams must survive and long ones keep a prefix: stderr %q, stdout %d bytes", first.Stderr, len(first.Stdout))
		}
		if !utf8.ValidString(first.Stdout) {
			t.Fatal("a cut split a rune")
		}
		if len(b) < max/4 {
			t.Fatalf("only %d bytes used of %d: cutting far more than needed", len(b), max)
		}
	}
}

func TestEncodeKeepsEarlierTruncation(t *testing.T) {
	r := Result{Tests: []Test{{Stdout: "abc", StdoutTruncated: true}}}
	b, _ := Encode(r, 1<<20)
	if !bytes.Contains(b, []byte(`"stdout_truncated":true`)) {
		t.Fatalf("lost the capture's truncation flag: %s", b)
	}
}

func TestEncodeTooLarge(t *testing.T) {
	var te *TooLargeError
	if _, err := Encode(bigResult(50, "x"), 100); !errors.As(err, &te) {
		t.Fatalf("err = %v, want *TooLargeError", err)
	}
}

func TestFrameRoundTripInNoisyLog(t *testing.T) {
	payload := []byte(`{"verdict":"Accepted","tests":[]}` + strings.Repeat(" ", 300))
	nonce := "n0nce-ABC_123"
	forged := Frame([]byte(`{"verdict":"Forged"}`), "other-nonce")
	log := append([]byte("launcher starting\nno newline at end"), forged...)
	log = append(log, Frame(payload, nonce)...)
	for _, line := range strings.Split(string(Frame(payload, nonce)), "\n") {
		if len(line) > 76 && !strings.HasPrefix(line, "---") {
			t.Fatalf("line of %d columns", len(line))
		}
	}
	got, err := Extract(log, nonce)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, payload) {
		t.Fatalf("got %q", got)
	}
}

func TestExtractTakesTheLastFrame(t *testing.T) {
	log := append(Frame([]byte("first"), "nonce-1234"), Frame([]byte("second"), "nonce-1234")...)
	got, err := Extract(log, "nonce-1234")
	if err != nil || string(got) != "second" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestExtractRejectsIncompleteLogs(t *testing.T) {
	framed := Frame([]byte(`{"verdict":"Accepted"}`), "nonce-1234")
	cases := map[string][]byte{
		"empty":       nil,
		"other nonce": Frame([]byte("x"), "nonce-9999"),
		"truncated":   framed[:len(framed)-5],
		"no end line": framed[:bytes.LastIndex(framed, []byte("---"))],
		"bad base64":  bytes.Replace(framed, []byte("eyJ2"), []byte("!!!!"), 1),
	}
	for name, log := range cases {
		var fe *FrameError
		if _, err := Extract(log, "nonce-1234"); !errors.As(err, &fe) {
			t.Errorf("%s: err = %v, want *FrameError", name, err)
		}
	}
}

func TestValidNonce(t *testing.T) {
	for n, want := range map[string]bool{"abcdEFGH1234": true, "short": false, "has space 12345": false, "a---b---c---": true, strings.Repeat("x", 129): false} {
		if ValidNonce(n) != want {
			t.Errorf("ValidNonce(%q) != %v", n, want)
		}
	}
}

func TestWriteFileReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "result.json")
	if err := WriteFile(path, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("two")); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	entries, _ := os.ReadDir(dir)
	if string(got) != "two" || len(entries) != 1 {
		t.Fatalf("content %q, %d entries (temp files left?)", got, len(entries))
	}
	if err := WriteFile(filepath.Join(dir, "missing", "r.json"), []byte("x")); err == nil {
		t.Fatal("writing into a missing directory must fail")
	}
}
