package result

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// TooLargeError says the result exceeds its bound even with every stream emptied.
type TooLargeError struct{ Size, Max int }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("result: %d bytes without any output, over the %d byte bound", e.Size, e.Max)
}

// Encode marshals r into at most maxBytes of JSON, cutting every captured stream to
// a common length (and flagging it truncated) when the whole would be too large.
func Encode(r Result, maxBytes int) ([]byte, error) {
	b, err := json.Marshal(r)
	if err != nil || len(b) <= maxBytes {
		return b, err
	}
	bare, err := json.Marshal(cut(r, 0))
	if err != nil {
		return nil, err
	}
	if len(bare) > maxBytes {
		return nil, &TooLargeError{Size: len(bare), Max: maxBytes}
	}
	// Start from an even share of the room left; escaping can make streams longer
	// in JSON than in bytes, so shrink in proportion to the overshoot until it fits.
	room := maxBytes - len(bare)
	per := room / streamCount(r)
	for {
		b, err = json.Marshal(cut(r, per))
		if err != nil || len(b) <= maxBytes {
			return b, err
		}
		scaled := int(float64(per) * 0.98 * float64(room) / float64(len(b)-len(bare)))
		per = max(min(scaled, per-1), 0)
	}
}

func streamCount(r Result) int {
	n := 3 * len(r.Tests)
	if r.Compile != nil {
		n += 2
	}
	return max(n, 1)
}

// cut returns a copy of r with every stream at most n bytes long.
func cut(r Result, n int) Result {
	r.Truncated = true
	if r.Compile != nil {
		c := *r.Compile
		c.Stdout, c.StdoutTruncated = clip(c.Stdout, n, c.StdoutTruncated)
		c.Stderr, c.StderrTruncated = clip(c.Stderr, n, c.StderrTruncated)
		r.Compile = &c
	}
	tests := make([]Test, len(r.Tests))
	for i, t := range r.Tests {
		t.Stdout, t.StdoutTruncated = clip(t.Stdout, n, t.StdoutTruncated)
		t.Stderr, t.StderrTruncated = clip(t.Stderr, n, t.StderrTruncated)
		t.Output, t.OutputTruncated = clip(t.Output, n, t.OutputTruncated)
		tests[i] = t
	}
	r.Tests = tests
	return r
}

// clip keeps at most n bytes of s, not splitting a UTF-8 sequence.
func clip(s string, n int, truncated bool) (string, bool) {
	if len(s) <= n {
		return s, truncated
	}
	for n > 0 && n < len(s) && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n], true
}
