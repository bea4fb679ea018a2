package spec

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// Problem is one invalid field.
type Problem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError lists every invalid field at once.
type ValidationError struct{ Problems []Problem }

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Field + ": " + p.Message
	}
	return "invalid spec: " + strings.Join(parts, "; ")
}

// Validate checks a decoded spec before defaults are applied.
func Validate(s Spec) error {
	var ps []Problem
	add := func(field, format string, args ...any) {
		ps = append(ps, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if len(s.Run.Command) == 0 || s.Run.Command[0] == "" {
		add("run.command", "must name a program")
	}
	if s.Compile != nil {
		if len(s.Compile.Command) == 0 || s.Compile.Command[0] == "" {
			add("compile.command", "must name a program")
		}
		checkLimits("compile.limits", s.Compile.Limits, add)
	}
	checkLimits("limits", s.Limits, add)
	for field, p := range map[string]string{"workdir": s.Workdir, "scratch": s.Scratch} {
		if p != "" && !filepath.IsAbs(p) {
			add(field, "must be an absolute path")
		}
	}
	if len(s.Tests) > MaxTests {
		add("tests", "at most %d tests, got %d", MaxTests, len(s.Tests))
	}
	if s.Compare.Mode != "" && !s.Compare.Mode.Valid() {
		add("compare.mode", "must be exact, trim_trailing, tokens or float, got %q", s.Compare.Mode)
	}
	for field, v := range map[string]*float64{"compare.abs_tol": s.Compare.AbsTol, "compare.rel_tol": s.Compare.RelTol} {
		if v != nil && !(*v >= 0) {
			add(field, "must be a non-negative number")
		}
	}
	if len(ps) == 0 {
		return nil
	}
	// map iteration order varies; sort so messages are stable
	slices.SortStableFunc(ps, func(a, b Problem) int { return strings.Compare(a.Field, b.Field) })
	return &ValidationError{Problems: ps}
}

func checkLimits(prefix string, l Limits, add func(field, format string, args ...any)) {
	fields := []struct {
		name     string
		v, limit int64
	}{
		{"cpu_time_ms", l.CPUTimeMs, maxLimits.CPUTimeMs},
		{"wall_time_ms", l.WallTimeMs, maxLimits.WallTimeMs},
		{"memory_mb", l.MemoryMB, maxLimits.MemoryMB},
		{"address_space_mb", l.AddressSpaceMB, maxLimits.AddressSpaceMB},
		{"max_processes", l.MaxProcesses, maxLimits.MaxProcesses},
		{"output_kb", l.OutputKB, maxLimits.OutputKB},
		{"file_size_kb", l.FileSizeKB, maxLimits.FileSizeKB},
	}
	for _, f := range fields {
		if f.v < 0 || f.v > f.limit {
			add(prefix+"."+f.name, "must be between 1 and %d (0 or absent for the default), got %d", f.limit, f.v)
		}
	}
}
