// Package compare decides whether a program's output matches the expected output.
package compare

import (
	"bytes"
	"fmt"
	"strings"
)

// Mode names a comparison rule, as written in the spec.
type Mode string

const (
	Exact        Mode = "exact"         // byte for byte
	TrimTrailing Mode = "trim_trailing" // Judge0's rule: trailing whitespace of lines and of the text ignored
	Tokens       Mode = "tokens"        // whitespace-separated tokens equal
	Float        Mode = "float"         // tokens, numbers equal within a tolerance
)

// Valid reports whether m is a known mode.
func (m Mode) Valid() bool {
	switch m {
	case Exact, TrimTrailing, Tokens, Float:
		return true
	}
	return false
}

// Options selects the mode; the tolerances apply to Float only.
type Options struct {
	Mode   Mode
	AbsTol float64
	RelTol float64
}

// Outcome is the comparison's answer; Detail says where the first difference is.
type Outcome struct {
	Equal  bool
	Detail string
}

// Compare applies opts.Mode to expected and actual output.
func Compare(expected, actual []byte, opts Options) Outcome {
	switch opts.Mode {
	case TrimTrailing:
		return lines(judge0Strip(expected), judge0Strip(actual))
	case Tokens:
		return tokens(expected, actual, exactToken)
	case Float:
		return tokens(expected, actual, func(e, a string) bool { return floatToken(e, a, opts.AbsTol, opts.RelTol) })
	default:
		return lines(string(expected), string(actual))
	}
}

// judge0Strip is Judge0's `text.split("\n").map(&:rstrip).join("\n").rstrip`.
func judge0Strip(b []byte) string {
	ls := strings.Split(string(b), "\n")
	for i, l := range ls {
		ls[i] = strings.TrimRight(l, rubySpace)
	}
	return strings.TrimRight(strings.Join(ls, "\n"), rubySpace)
}

// rubySpace is what Ruby's String#rstrip removes.
const rubySpace = " \t\n\v\f\r\x00"

// lines compares two texts exactly and names the first differing line.
func lines(expected, actual string) Outcome {
	if expected == actual {
		return Outcome{Equal: true}
	}
	el, al := strings.Split(expected, "\n"), strings.Split(actual, "\n")
	for i := 0; i < len(el) && i < len(al); i++ {
		if el[i] != al[i] {
			return Outcome{Detail: fmt.Sprintf("line %d: expected %s, got %s", i+1, quote(el[i]), quote(al[i]))}
		}
	}
	if len(el) != len(al) {
		return Outcome{Detail: fmt.Sprintf("expected %d lines, got %d", len(el), len(al))}
	}
	return Outcome{Detail: "output differs"}
}

// tokens compares whitespace-separated tokens pairwise with eq.
func tokens(expected, actual []byte, eq func(e, a string) bool) Outcome {
	et, at := bytes.Fields(expected), bytes.Fields(actual)
	for i := 0; i < len(et) && i < len(at); i++ {
		if !eq(string(et[i]), string(at[i])) {
			return Outcome{Detail: fmt.Sprintf("token %d: expected %s, got %s", i+1, quote(string(et[i])), quote(string(at[i])))}
		}
	}
	if len(et) != len(at) {
		return Outcome{Detail: fmt.Sprintf("expected %d tokens, got %d", len(et), len(at))}
	}
	return Outcome{Equal: true}
}

func exactToken(e, a string) bool { return e == a }

// quote shows a value in a detail message, cut so a message stays short.
func quote(s string) string {
	const max = 64
	if len(s) > max {
		return fmt.Sprintf("%q...", s[:max])
	}
	return fmt.Sprintf("%q", s)
}
