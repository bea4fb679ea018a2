package capture

import (
	"io"
	"strings"
	"testing"
)

func TestKeepsStreamsApartAndInterleaved(t *testing.T) {
	c := New(100, nil)
	io.WriteString(c.Stdout(), "out1 ")
	io.WriteString(c.Stderr(), "err1 ")
	io.WriteString(c.Stdout(), "out2")
	out, errs, all := c.Streams()
	if string(out.Data) != "out1 out2" || string(errs.Data) != "err1 " || string(all.Data) != "out1 err1 out2" {
		t.Fatalf("stdout %q stderr %q output %q", out.Data, errs.Data, all.Data)
	}
	if out.Truncated || errs.Truncated || all.Truncated || c.Exceeded() {
		t.Fatal("nothing should be truncated under the limit")
	}
}

func TestLimitIsSharedAndFiresOnce(t *testing.T) {
	fired := 0
	c := New(10, func() { fired++ })
	io.WriteString(c.Stdout(), "123456")
	io.WriteString(c.Stderr(), "7890") // exactly at the limit: not exceeded
	if c.Exceeded() || fired != 0 {
		t.Fatal("reaching the limit exactly is allowed")
	}
	n, err := io.WriteString(c.Stderr(), "abc")
	if n != 3 || err != nil {
		t.Fatalf("Write must accept everything, got %d %v", n, err)
	}
	io.WriteString(c.Stdout(), strings.Repeat("z", 1000))
	if fired != 1 || !c.Exceeded() {
		t.Fatalf("onExceed fired %d times", fired)
	}
	out, errs, all := c.Streams()
	if string(out.Data) != "123456" || string(errs.Data) != "7890" || string(all.Data) != "1234567890" {
		t.Fatalf("stdout %q stderr %q output %q", out.Data, errs.Data, all.Data)
	}
	if !out.Truncated || !errs.Truncated || !all.Truncated {
		t.Fatal("both streams lost bytes and must say so")
	}
}

func TestPartialWriteKeepsPrefix(t *testing.T) {
	c := New(4, nil)
	io.WriteString(c.Stdout(), "abcdef")
	out, errs, _ := c.Streams()
	if string(out.Data) != "abcd" || !out.Truncated || errs.Truncated {
		t.Fatalf("stdout %+v stderr %+v", out, errs)
	}
}
