package spec

// MaxTests is the most tests one spec may hold.
const MaxTests = 50

// RunDefaults apply to each test run.
var RunDefaults = Limits{
	CPUTimeMs: 2000, WallTimeMs: 5000, MemoryMB: 256, MaxProcesses: 64, OutputKB: 1024, FileSizeKB: 1024,
}

// CompileDefaults apply to the compile step.
var CompileDefaults = Limits{
	CPUTimeMs: 10000, WallTimeMs: 20000, MemoryMB: 1024, MaxProcesses: 128, OutputKB: 64, FileSizeKB: 65536,
}

// maxLimits are the largest values a spec may ask for.
var maxLimits = Limits{
	CPUTimeMs: 3_600_000, WallTimeMs: 3_600_000, MemoryMB: 16384, AddressSpaceMB: 65536,
	MaxProcesses: 4096, OutputKB: 65536, FileSizeKB: 1 << 20,
}

// withDefaults fills each zero field of l from d. A wall limit left unset is
// derived from the CPU limit (twice it plus a second) so a sleeping program still ends.
func withDefaults(l, d Limits) Limits {
	if l.WallTimeMs == 0 && l.CPUTimeMs != 0 {
		l.WallTimeMs = 2*l.CPUTimeMs + 1000
	}
	pick := func(v, def int64) int64 {
		if v == 0 {
			return def
		}
		return v
	}
	return Limits{
		CPUTimeMs:      pick(l.CPUTimeMs, d.CPUTimeMs),
		WallTimeMs:     pick(l.WallTimeMs, d.WallTimeMs),
		MemoryMB:       pick(l.MemoryMB, d.MemoryMB),
		AddressSpaceMB: pick(l.AddressSpaceMB, d.AddressSpaceMB),
		MaxProcesses:   pick(l.MaxProcesses, d.MaxProcesses),
		OutputKB:       pick(l.OutputKB, d.OutputKB),
		FileSizeKB:     pick(l.FileSizeKB, d.FileSizeKB),
	}
}
