// Command launcher runs one submission inside a sandbox pod: it compiles once, runs the
// program per test under limits, and emits one bounded JSON result to a file and,
// framed by nonce markers, as the last thing on stdout. See README.md.
package main

import (
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"code-runner/launcher/internal/capture"
	"code-runner/launcher/internal/cgroup"
	"code-runner/launcher/internal/childexec"
	"code-runner/launcher/internal/install"
	"code-runner/launcher/internal/interactive"
	"code-runner/launcher/internal/judge"
	"code-runner/launcher/internal/result"
	"code-runner/launcher/internal/sandbox"
	"code-runner/launcher/internal/spec"
	"code-runner/launcher/internal/verdict"
)

// nonceEnv carries the result nonce when the flag is not given; programs never see it.
const nonceEnv = "CODE_RUNNER_RESULT_NONCE"

// Exit codes: the result was emitted on stdout (and written, for exitOK).
const (
	exitOK         = 0
	exitResultFile = 1 // result on stdout, but the result file could not be written
	exitUsage      = 2 // bad flags: no result
	exitNoResult   = 3 // the result could not be encoded
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == childexec.Flag {
		childexec.Main(os.Args[2:]) // never returns
	}
	if len(os.Args) > 1 && os.Args[1] == "install" {
		os.Exit(installMain(os.Args[2:], os.Stderr))
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type options struct {
	spec, result, nonce string
	summary             string
	input, workspace    string
	consumeSpec         bool
	liveKB              int
	interactive         bool
	attachTimeout       time.Duration
	maxResultKB         int
	uid, gid            int
	poll                time.Duration
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("launcher", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.spec, "spec", "/workspace/.spec.json", "spec file (JSON)")
	fs.StringVar(&o.result, "result", "/tmp/result.json", "result file, written atomically; empty to skip")
	fs.StringVar(&o.nonce, "nonce", os.Getenv(nonceEnv), "nonce for the stdout result markers [A-Za-z0-9_-]{8,128} (default $"+nonceEnv+", else random)")
	fs.StringVar(&o.summary, "summary", "", "also write a short summary (verdict, sha256 and size of the result) here, e.g. /dev/termination-log")
	fs.StringVar(&o.input, "input", "", "first copy this ConfigMap volume's files (all but "+install.SpecKey+") into -workspace")
	fs.StringVar(&o.workspace, "workspace", "/workspace", "the writable workdir -input is copied into")
	fs.BoolVar(&o.consumeSpec, "consume-spec", false, "delete the spec file once read (hidden tests stay hidden from the program)")
	fs.IntVar(&o.liveKB, "live-kb", 0, "copy the first KB of the programs' output to stdout as it arrives (0: none)")
	fs.BoolVar(&o.interactive, "interactive", false, "a client attaches to stdin: wait for its hello, feed its frames to the program, copy stderr live to stderr, write exit lines (see internal/interactive)")
	fs.DurationVar(&o.attachTimeout, "attach-timeout", 20*time.Second, "with -interactive: how long to wait for the client's hello")
	fs.IntVar(&o.maxResultKB, "max-result-kb", 1024, "bound on the result JSON; captured streams are cut to fit")
	fs.IntVar(&o.uid, "uid", -1, "run compiler and program as this uid (needs CAP_SETUID; for tests run as root)")
	fs.IntVar(&o.gid, "gid", -1, "gid to go with -uid (default: same as -uid)")
	fs.DurationVar(&o.poll, "poll", 10*time.Millisecond, "sampling period of the program's memory and CPU")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.nonce == "" {
		o.nonce = randomNonce()
		fmt.Fprintln(stderr, "launcher: no nonce given, using", o.nonce)
	}
	if !result.ValidNonce(o.nonce) {
		return o, fmt.Errorf("nonce must match [A-Za-z0-9_-]{8,128}")
	}
	if o.maxResultKB < 64 || o.poll <= 0 {
		return o, fmt.Errorf("-max-result-kb must be at least 64 and -poll positive")
	}
	if o.gid < 0 {
		o.gid = o.uid
	}
	return o, nil
}

func run(args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "launcher:", err)
		return exitUsage
	}
	// Not dumpable: programs of the same uid cannot read this process's environment (the nonce)
	// or open its stdout through /proc.
	if err := sandbox.NotDumpable(); err != nil {
		fmt.Fprintln(stderr, "launcher: not dumpable:", err)
	}
	if err := sandbox.BecomeSubreaper(); err != nil {
		fmt.Fprintln(stderr, "launcher: subreaper:", err) // orphans then go to init; carry on
	}
	live := capture.NewLive(liveWriter(o, stdout), int64(o.liveKB)*1024)
	var client *interactive.Session
	if o.interactive {
		if live == nil {
			fmt.Fprintln(stderr, "launcher: -interactive needs -live-kb")
			return exitUsage
		}
		live.Split(stderr)
		if client, err = interactive.Start(os.Stdin); err != nil {
			fmt.Fprintln(stderr, "launcher: interactive:", err)
			return exitUsage
		}
	}
	r := judgeSpec(o, live, client)

	data, err := result.Encode(r, o.maxResultKB*1024)
	if err != nil {
		fmt.Fprintln(stderr, "launcher:", err)
		return exitNoResult
	}
	code := exitOK
	if o.result != "" {
		if err := result.WriteFile(o.result, data); err != nil {
			fmt.Fprintln(stderr, "launcher: result file:", err)
			code = exitResultFile
		}
	}
	if o.summary != "" {
		if err := result.WriteSummary(o.summary, string(r.Verdict), data); err != nil {
			fmt.Fprintln(stderr, "launcher: summary:", err)
		}
	}
	live.End() // with a live copy: a reader of the log (or an attached client) reads no further
	if _, err := stdout.Write(result.Frame(data, o.nonce)); err != nil {
		fmt.Fprintln(stderr, "launcher: stdout:", err)
	}
	return code
}

// judgeSpec loads the spec and judges it; any failure is an InternalError result.
func judgeSpec(o options, live *capture.Live, client *interactive.Session) result.Result {
	if o.input != "" {
		if err := install.Run(install.Options{Input: o.input, Workspace: o.workspace}); err != nil {
			return result.Result{Verdict: verdict.InternalError, Message: "input: " + err.Error()}
		}
	}
	procCgroup, _ := os.ReadFile("/proc/self/cgroup")
	mem := cgroup.Locate("/sys/fs/cgroup", procCgroup)
	var r result.Result
	s, err := spec.Load(o.spec)
	if o.consumeSpec {
		_ = os.Remove(o.spec)
	}
	self, exeErr := os.Executable()
	switch {
	case err != nil:
		r = result.Result{Verdict: verdict.InternalError, Message: err.Error()}
	case exeErr != nil:
		r = result.Result{Verdict: verdict.InternalError, Message: "launcher binary: " + exeErr.Error()}
	default:
		runner := &sandbox.Runner{Self: self, Cgroup: mem, Poll: o.poll, Proc: "/proc", Live: live}
		if o.uid >= 0 {
			runner.Credential = &syscall.Credential{Uid: uint32(o.uid), Gid: uint32(o.gid)}
		}
		j := &judge.Judge{Runner: runner, Env: judge.ProgramEnv(os.Environ(), s.Scratch)}
		if live != nil {
			j.Stage = live.Stage
		}
		if client != nil {
			if !client.WaitHello(o.attachTimeout) {
				r = result.Result{Verdict: verdict.InternalError, Message: fmt.Sprintf("no interactive client attached within %s", o.attachTimeout)}
				break
			}
			client.OnSignal(runner.Signal)
			j.Stdin, j.Exit = client.Stdin, live.Exit
		}
		r = j.Run(s)
	}
	r.Cgroup = cgroupResult(mem)
	return r
}

func liveWriter(o options, stdout io.Writer) io.Writer {
	if o.liveKB <= 0 {
		return nil
	}
	return stdout
}

func cgroupResult(m *cgroup.Memory) *result.Cgroup {
	if m == nil {
		return nil
	}
	s := m.Read()
	toKB := func(p *int64) *int64 {
		if p == nil {
			return nil
		}
		v := *p / 1024
		return &v
	}
	return &result.Cgroup{Version: m.Version, Dir: m.Dir, MemoryPeakKB: toKB(s.PeakBytes), MemoryLimitKB: toKB(s.LimitBytes), OOMKills: s.OOMKills}
}

func randomNonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// installMain is the init container's entry: see internal/install.
func installMain(args []string, stderr io.Writer) int {
	var o install.Options
	fs := flag.NewFlagSet("launcher install", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.Input, "input", "/input", "the run's ConfigMap volume")
	fs.StringVar(&o.Workspace, "workspace", "/workspace", "the writable workdir")
	fs.StringVar(&o.Bin, "bin", "/opt/code-runner/launcher", "where to put the launcher binary")
	fs.StringVar(&o.Spec, "spec", "/tmp/.code-runner-spec.json", "where to put the spec (0600)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	self, err := os.Executable()
	if err == nil {
		o.Self = self
		err = install.Run(o)
	}
	if err != nil {
		fmt.Fprintln(stderr, "launcher install:", err)
		return 1
	}
	return exitOK
}
