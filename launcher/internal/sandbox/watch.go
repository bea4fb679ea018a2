package sandbox

import (
	"os"
	"time"

	"code-runner/launcher/internal/procfs"
	"code-runner/launcher/internal/verdict"
)

// usage is one sample of a process group: resident bytes and CPU time of its live members.
type usage struct {
	RSSBytes int64
	CPU      time.Duration
}

// sampleGroup sums the usage of the processes in group pgid.
func sampleGroup(proc string, pgid int) usage {
	stats, _ := procfs.Scan(proc, func(s procfs.Stat) bool { return s.PGRP == pgid })
	var u usage
	var ticks uint64
	for _, s := range stats {
		u.RSSBytes += s.RSSPages * int64(os.Getpagesize())
		ticks += s.CPUTicks()
	}
	u.CPU = time.Duration(ticks) * time.Second / procfs.TicksPerSecond
	return u
}

// overLimit says which limit a sample crosses, if any; memory is checked first.
func overLimit(u usage, l Limits) verdict.KillReason {
	switch {
	case l.MemoryBytes > 0 && u.RSSBytes > l.MemoryBytes:
		return verdict.KilledMemory
	case l.CPUTime > 0 && u.CPU > l.CPUTime:
		return verdict.KilledCPUTime
	}
	return verdict.NotKilled
}

// watch samples the group every period until stop closes, kills it when a limit is
// crossed, and returns the highest resident size it saw.
func watch(proc string, pgid int, l Limits, period time.Duration, k *killer, stop <-chan struct{}) (peakRSS int64) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return peakRSS
		case <-t.C:
			u := sampleGroup(proc, pgid)
			peakRSS = max(peakRSS, u.RSSBytes)
			if r := overLimit(u, l); r != verdict.NotKilled {
				k.kill(r)
			}
		}
	}
}
