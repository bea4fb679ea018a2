// Package capture collects a process's stdout and stderr under one output limit.
package capture

import (
	"io"
	"sync"
)

// Capture keeps stdout and stderr apart and an interleaved copy in arrival order.
// Together the streams may carry limit bytes; what comes after is counted, not kept,
// and the first byte past the limit calls onExceed once (the caller kills the process).
type Capture struct {
	mu       sync.Mutex
	limit    int64
	total    int64
	exceeded bool
	onExceed func()
	stdout   Stream
	stderr   Stream
	output   Stream
	live     *Live
}

// Stream is the kept prefix of one stream; Truncated says bytes were dropped.
type Stream struct {
	Data      []byte
	Truncated bool
}

// New returns a capture that keeps at most limit bytes in total.
func New(limit int64, onExceed func()) *Capture {
	return &Capture{limit: limit, onExceed: onExceed}
}

// Tee also copies what is kept to l (nil: nowhere).
func (c *Capture) Tee(l *Live) *Capture { c.live = l; return c }

// Stdout is the writer for the process's stdout.
func (c *Capture) Stdout() io.Writer { return writer{c, &c.stdout, false} }

// Stderr is the writer for the process's stderr.
func (c *Capture) Stderr() io.Writer { return writer{c, &c.stderr, true} }

// Streams returns copies of stdout, stderr and the interleaved output.
func (c *Capture) Streams() (stdout, stderr, output Stream) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cp := func(s Stream) Stream { return Stream{Data: append([]byte(nil), s.Data...), Truncated: s.Truncated} }
	return cp(c.stdout), cp(c.stderr), cp(c.output)
}

// Exceeded reports whether more than limit bytes arrived.
func (c *Capture) Exceeded() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.exceeded
}

type writer struct {
	c      *Capture
	s      *Stream
	stderr bool
}

// Write always accepts p so the pipe keeps draining; it keeps what fits.
func (w writer) Write(p []byte) (int, error) {
	c := w.c
	c.mu.Lock()
	keep := min(int64(len(p)), max(c.limit-c.total, 0))
	w.s.Data = append(w.s.Data, p[:keep]...)
	c.output.Data = append(c.output.Data, p[:keep]...)
	if keep < int64(len(p)) {
		w.s.Truncated, c.output.Truncated = true, true
	}
	c.live.write(p[:keep], w.stderr)
	c.total += int64(len(p))
	fire := c.total > c.limit && !c.exceeded
	if fire {
		c.exceeded = true
	}
	c.mu.Unlock()
	if fire && c.onExceed != nil {
		c.onExceed()
	}
	return len(p), nil
}
