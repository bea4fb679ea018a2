package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
)

// ParseError says the spec is not the JSON this package expects.
type ParseError struct{ Err error }

func (e *ParseError) Error() string { return "spec: " + e.Err.Error() }
func (e *ParseError) Unwrap() error { return e.Err }

// Load reads, validates and completes the spec at path.
func Load(path string) (Spec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Spec{}, &ParseError{Err: err}
	}
	return Parse(b)
}

// Parse decodes a spec strictly (unknown fields are errors), validates it and applies defaults.
func Parse(b []byte) (Spec, error) {
	var s Spec
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return Spec{}, &ParseError{Err: err}
	}
	if dec.More() {
		return Spec{}, &ParseError{Err: fmt.Errorf("trailing data after the JSON object")}
	}
	if err := Validate(s); err != nil {
		return Spec{}, err
	}
	return complete(s), nil
}

// complete applies defaults to a valid spec.
func complete(s Spec) Spec {
	if s.Workdir == "" {
		s.Workdir = "/workspace"
	}
	if s.Scratch == "" {
		s.Scratch = "/tmp"
	}
	s.Limits = withDefaults(s.Limits, RunDefaults)
	if s.Compile != nil {
		c := *s.Compile
		c.Limits = withDefaults(c.Limits, CompileDefaults)
		s.Compile = &c
	}
	if len(s.Tests) == 0 {
		s.Tests = []Test{{Stdin: s.Stdin}}
	}
	return s
}
