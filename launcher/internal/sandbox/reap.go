package sandbox

import (
	"syscall"
	"time"
	"unsafe"

	"code-runner/launcher/internal/procfs"
)

// Linux constants the syscall package does not name.
const (
	prSetDumpable       = 4  // prctl(PR_SET_DUMPABLE)
	prSetChildSubreaper = 36 // prctl(PR_SET_CHILD_SUBREAPER)
	pPID                = 1  // waitid idtype P_PID
	wEXITED             = 4  // waitid: wait for exited children
)

// BecomeSubreaper makes orphaned descendants reparent to this process instead of init,
// so Run can kill and reap them. It needs no privilege.
func BecomeSubreaper() error {
	if _, _, e := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0); e != 0 {
		return e
	}
	return nil
}

// NotDumpable makes /proc/<pid>/{environ,fd,mem} of this process unreadable to other
// processes of the same uid (the programs it runs). Exec resets it in children.
func NotDumpable() error {
	if _, _, e := syscall.RawSyscall(syscall.SYS_PRCTL, prSetDumpable, 0, 0); e != 0 {
		return e
	}
	return nil
}

// waitExited blocks until pid has exited without reaping it, so its process group id
// stays reserved while the rest of the group is killed.
func waitExited(pid int) error {
	var info [128]byte // siginfo_t
	for {
		_, _, e := syscall.Syscall6(syscall.SYS_WAITID, pPID, uintptr(pid),
			uintptr(unsafe.Pointer(&info[0])), wEXITED|syscall.WNOWAIT, 0, 0)
		switch e {
		case 0:
			return nil
		case syscall.EINTR:
			continue
		default:
			return e
		}
	}
}

// reapDescendants kills and reaps every remaining child of this process (orphans
// reparented here) until none is left or grace runs out; it returns how many remain.
func reapDescendants(proc string, grace time.Duration) int {
	self := syscall.Getpid()
	deadline := time.Now().Add(grace)
	for {
		for {
			var ws syscall.WaitStatus
			pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
			if err == syscall.ECHILD {
				return 0
			}
			if err == syscall.EINTR {
				continue
			}
			if err != nil || pid <= 0 {
				break
			}
		}
		kids, _ := procfs.Scan(proc, func(s procfs.Stat) bool { return s.PPID == self })
		if time.Now().After(deadline) {
			return len(kids)
		}
		for _, k := range kids {
			_ = syscall.Kill(k.PID, syscall.SIGKILL)
		}
		time.Sleep(time.Millisecond)
	}
}
