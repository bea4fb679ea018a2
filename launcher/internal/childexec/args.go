// Package childexec is the launcher's re-exec shim: the launcher starts itself as
// "launcher -exec-child <limits> -- program args...", and that child sets its own
// rlimits and then execs the program. Go cannot run code between fork and exec, so
// this is how limits are in place before the first instruction of user code.
package childexec

import (
	"fmt"
	"strconv"
)

// Flag, as argv[1], selects the child mode.
const Flag = "-exec-child"

// StatusFD is the child's close-on-exec pipe: EOF means the exec happened,
// anything written to it is why it did not.
const StatusFD = 3

// Limits are raw rlimit values; 0 leaves a limit as inherited.
type Limits struct {
	CPUSeconds   int64 // RLIMIT_CPU soft; hard is one second more so SIGXCPU comes first
	AddressSpace int64 // RLIMIT_AS, bytes
	FileSize     int64 // RLIMIT_FSIZE, bytes
	Processes    int64 // RLIMIT_NPROC
}

// ArgsError says the child's command line is malformed (a launcher bug, not user input).
type ArgsError struct{ Problem string }

func (e *ArgsError) Error() string { return "exec-child: " + e.Problem }

// Args is the child's argv for running argv under l.
func Args(self string, l Limits, argv []string) []string {
	out := []string{self, Flag,
		strconv.FormatInt(l.CPUSeconds, 10), strconv.FormatInt(l.AddressSpace, 10),
		strconv.FormatInt(l.FileSize, 10), strconv.FormatInt(l.Processes, 10), "--"}
	return append(out, argv...)
}

// Parse reads the arguments that follow Flag.
func Parse(args []string) (Limits, []string, error) {
	const n = 4
	if len(args) < n+2 || args[n] != "--" {
		return Limits{}, nil, &ArgsError{Problem: fmt.Sprintf("want 4 limits, --, and a program; got %q", args)}
	}
	var v [n]int64
	for i := range v {
		x, err := strconv.ParseInt(args[i], 10, 64)
		if err != nil || x < 0 {
			return Limits{}, nil, &ArgsError{Problem: fmt.Sprintf("limit %d is %q", i, args[i])}
		}
		v[i] = x
	}
	return Limits{CPUSeconds: v[0], AddressSpace: v[1], FileSize: v[2], Processes: v[3]}, args[n+1:], nil
}
