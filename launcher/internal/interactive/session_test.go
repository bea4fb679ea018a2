package interactive

import (
	"io"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestHelloDataSignalEOF(t *testing.T) {
	r, w := io.Pipe()
	s, err := Start(r)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []syscall.Signal
	s.OnSignal(func(sig syscall.Signal) { mu.Lock(); got = append(got, sig); mu.Unlock() })
	if s.WaitHello(50 * time.Millisecond) {
		t.Fatal("hello before any frame")
	}
	go func() {
		for _, f := range [][]byte{
			Frame(Hello, nil), Frame(Data, []byte("ab")), Frame(Signal, []byte("15")), Frame(Signal, []byte("99")),
			Frame(Data, []byte("c\n")), Frame(EOF, nil), Frame(Data, []byte("dropped")), Frame(Signal, []byte("2")),
		} {
			_, _ = w.Write(f)
		}
	}()
	if !s.WaitHello(time.Second) {
		t.Fatal("no hello")
	}
	in, err := io.ReadAll(s.Stdin)
	if err != nil || string(in) != "abc\n" {
		t.Fatalf("stdin %q, %v", in, err)
	}
	deadline := time.Now().Add(time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n == 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0] != syscall.SIGTERM || got[1] != syscall.SIGINT {
		t.Fatalf("signals %v, want [SIGTERM SIGINT] (99 refused, signals after EOF kept)", got)
	}
}

func TestNoHelloFirstEndsTheSession(t *testing.T) {
	r, w := io.Pipe()
	s, _ := Start(r)
	go func() { _, _ = w.Write(Frame(Data, []byte("x"))) }()
	if s.WaitHello(100 * time.Millisecond) {
		t.Fatal("a data frame counted as hello")
	}
	in, _ := io.ReadAll(s.Stdin)
	if len(in) != 0 {
		t.Fatalf("stdin %q from a session that never said hello", in)
	}
}

func TestOversizedFrameEndsStdin(t *testing.T) {
	r, w := io.Pipe()
	s, _ := Start(r)
	go func() {
		_, _ = w.Write(Frame(Hello, nil))
		_, _ = w.Write([]byte{Data, 0xff, 0xff, 0xff, 0xff})
	}()
	in, _ := io.ReadAll(s.Stdin)
	if len(in) != 0 {
		t.Fatalf("stdin %q after an oversized frame", in)
	}
}
