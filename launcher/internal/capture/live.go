package capture

import (
	"bytes"
	"io"
	"strconv"
	"sync"
)

// Live copies the first bytes of every run's output to w as they arrive (the pod's log,
// so a client can watch a run), within one budget for the whole launch. Past the budget it
// writes a note once and drops the rest; the result carries the output either way.
type Live struct {
	mu   sync.Mutex
	w    io.Writer
	errW io.Writer // where stderr goes: w unless split (interactive)
	left int64
	done bool
}

// NewLive returns a tee to w for at most budget bytes in all; nil w means no tee.
func NewLive(w io.Writer, budget int64) *Live {
	if w == nil {
		return nil
	}
	return &Live{w: w, errW: w, left: budget}
}

// Split sends the stderr copy to errW instead (an interactive client tells the streams apart).
func (l *Live) Split(errW io.Writer) *Live {
	if l != nil {
		l.errW = errW
	}
	return l
}

// LiveCutNote follows the last live byte once the budget is spent.
const LiveCutNote = "\n[live output cut here; the result has the rest]\n"

func (l *Live) write(p []byte, stderr bool) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.done {
		return
	}
	w := l.w
	if stderr {
		w = l.errW
	}
	n := min(int64(len(p)), l.left)
	_, _ = w.Write(escapeMarks(p[:n]))
	l.left -= n
	if n < int64(len(p)) {
		_, _ = io.WriteString(w, LiveCutNote)
		l.done = true
	}
}

// StageMark starts a stage line in the live copy: "\x1ecode-runner:stage <name>\n". A program cannot
// forge one: its own record separators are escaped in the copy, and it cannot reach the launcher's stdout.
const StageMark = "\x1ecode-runner:stage "

// Stage writes a stage line (compile, test i/n) outside the output budget, so a watcher of the pod's log
// learns how far the launch got even once the output copy is cut.
func (l *Live) Stage(name string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = io.WriteString(l.w, StageMark+name+"\n")
}

// ExitMark starts an exit line: "\x1ecode-runner:exit <stage> <code|-> <signal|->\n", written after a
// step when the launch is interactive (a client is told how each step ended as it ends).
const ExitMark = "\x1ecode-runner:exit "

// Exit writes an exit line for a finished step (nil code or signal: "-").
func (l *Live) Exit(stage string, code *int, signal *string) {
	if l == nil {
		return
	}
	c, sig := "-", "-"
	if code != nil {
		c = strconv.Itoa(*code)
	}
	if signal != nil {
		sig = *signal
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = io.WriteString(l.w, ExitMark+stage+" "+c+" "+sig+"\n")
}

// EndMark is the line a launch with a live copy writes before its result frame: what follows is not output.
const EndMark = "\x1ecode-runner:end result\n"

// End writes the end line (no live copy: nothing).
func (l *Live) End() {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = io.WriteString(l.w, EndMark)
}

// escapeMarks replaces each record separator (0x1e, never part of a multi-byte UTF-8 sequence) with U+241E.
func escapeMarks(p []byte) []byte {
	if bytes.IndexByte(p, 0x1e) < 0 {
		return p
	}
	return bytes.ReplaceAll(p, []byte{0x1e}, []byte("\u241e"))
}
