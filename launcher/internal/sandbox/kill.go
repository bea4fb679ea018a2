package sandbox

import (
	"sync"
	"syscall"

	"code-runner/launcher/internal/verdict"
)

// killer kills the process group once a limit is crossed and remembers the first reason.
// After finish, kills are no-ops: the group leader is then reaped and its id may be reused.
type killer struct {
	mu     sync.Mutex
	pgid   int
	reason verdict.KillReason
	done   bool
}

func (k *killer) kill(reason verdict.KillReason) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.reason == verdict.NotKilled {
		k.reason = reason
	}
	if !k.done {
		_ = syscall.Kill(-k.pgid, syscall.SIGKILL)
	}
}

// finish kills what is left of the group while its exited leader still holds the id.
func (k *killer) finish() verdict.KillReason {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.done = true
	_ = syscall.Kill(-k.pgid, syscall.SIGKILL)
	return k.reason
}

// signal forwards sig to the group (a client's signal), unless the group is finished.
func (k *killer) signal(sig syscall.Signal) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.done {
		_ = syscall.Kill(-k.pgid, sig)
	}
}
