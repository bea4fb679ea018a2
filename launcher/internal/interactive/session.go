// Package interactive reads an attached client's frames from the launcher's stdin: a hello first,
// then the program's stdin, its end, and signals. Only the API writes there (through the pod's attach);
// the program never sees the frames, only the bytes of its stdin.
package interactive

import (
	"bufio"
	"encoding/binary"
	"io"
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// A frame is one type byte, a 4-byte big-endian payload length, and the payload.
const (
	Hello  = 'h' // first frame: a client is attached and reads the output
	Data   = 'd' // bytes for the program's stdin
	EOF    = 'e' // the program's stdin ends
	Signal = 's' // payload: a signal number (1-64) in decimal, sent to the running step's process group
	// MaxPayload bounds one frame; a larger one ends the session (the program's stdin is closed).
	MaxPayload = 1 << 20
	queued     = 64 // data frames waiting for the program to read, before the client is held back
)

// Session is one attached client.
type Session struct {
	// Stdin is the read end the program gets as its stdin.
	Stdin *os.File
	w     *os.File
	data  chan []byte // nil: end of stdin
	hello chan struct{}

	mu       sync.Mutex
	onSignal func(syscall.Signal)
}

// Start reads frames from r (the launcher's stdin) until it ends or a frame is malformed.
func Start(r io.Reader) (*Session, error) {
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	s := &Session{Stdin: pr, w: pw, data: make(chan []byte, queued), hello: make(chan struct{})}
	go s.write()
	go s.read(bufio.NewReader(r))
	return s, nil
}

// OnSignal sets where signals go (the sandbox runner); until then they are dropped.
func (s *Session) OnSignal(f func(syscall.Signal)) {
	s.mu.Lock()
	s.onSignal = f
	s.mu.Unlock()
}

// WaitHello reports whether the client said hello within d.
func (s *Session) WaitHello(d time.Duration) bool {
	select {
	case <-s.hello:
		return true
	case <-time.After(d):
		return false
	}
}

func (s *Session) read(r io.Reader) {
	ended := false
	end := func() {
		if !ended {
			ended = true
			s.data <- nil
		}
	}
	defer end()
	greeted := false
	for {
		var hdr [5]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return
		}
		n := binary.BigEndian.Uint32(hdr[1:])
		if n > MaxPayload {
			return
		}
		payload := make([]byte, n)
		if _, err := io.ReadFull(r, payload); err != nil {
			return
		}
		if !greeted {
			if hdr[0] != Hello {
				return
			}
			greeted = true
			close(s.hello)
			continue
		}
		switch hdr[0] {
		case Data:
			if !ended {
				s.data <- payload
			}
		case EOF:
			end() // signals may still follow
		case Signal:
			s.signal(string(payload))
		}
	}
}

// write feeds the program's stdin in order, apart from the frame reader, so that signals still
// arrive while the program does not read.
func (s *Session) write() {
	for p := range s.data {
		if p == nil {
			break
		}
		_, _ = s.w.Write(p)
	}
	_ = s.w.Close()
}

func (s *Session) signal(payload string) {
	n, err := strconv.Atoi(payload)
	if err != nil || n < 1 || n > 64 {
		return
	}
	s.mu.Lock()
	f := s.onSignal
	s.mu.Unlock()
	if f != nil {
		f(syscall.Signal(n))
	}
}

// Frame encodes one frame (for tests and for clients written in Go).
func Frame(kind byte, payload []byte) []byte {
	b := make([]byte, 5, 5+len(payload))
	b[0] = kind
	binary.BigEndian.PutUint32(b[1:], uint32(len(payload)))
	return append(b, payload...)
}
