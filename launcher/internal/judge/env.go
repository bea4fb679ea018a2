package judge

import "strings"

// reservedPrefix marks the launcher's own variables (the result nonce among them);
// programs never see them.
const reservedPrefix = "CODE_RUNNER_"

// ProgramEnv is the environment for compilers and programs: the launcher's, without
// its own variables, with TMPDIR and HOME pointing at the writable scratch directory.
func ProgramEnv(environ []string, scratch string) []string {
	out := make([]string, 0, len(environ)+2)
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, reservedPrefix) || name == "TMPDIR" || name == "HOME" {
			continue
		}
		out = append(out, kv)
	}
	return append(out, "TMPDIR="+scratch, "HOME="+scratch)
}
