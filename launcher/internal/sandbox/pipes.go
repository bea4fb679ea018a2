package sandbox

import "os"

// pipes are the program's stdin, stdout and stderr and the shim's status pipe.
// The parent keeps stdinW, stdoutR, stderrR and statusR.
type pipes struct {
	stdinR, stdinW   *os.File
	stdoutR, stdoutW *os.File
	stderrR, stderrW *os.File
	statusR, statusW *os.File
}

func newPipes() (*pipes, error) {
	p := &pipes{}
	for _, pair := range []struct{ r, w **os.File }{
		{&p.stdinR, &p.stdinW}, {&p.stdoutR, &p.stdoutW}, {&p.stderrR, &p.stderrW}, {&p.statusR, &p.statusW},
	} {
		r, w, err := os.Pipe()
		if err != nil {
			p.closeAll()
			return nil, err
		}
		*pair.r, *pair.w = r, w
	}
	return p, nil
}

// closeChildEnds closes the ends the child now holds, so EOF can arrive.
func (p *pipes) closeChildEnds() {
	for _, f := range []*os.File{p.stdinR, p.stdoutW, p.stderrW, p.statusW} {
		_ = f.Close()
	}
}

func (p *pipes) closeAll() {
	for _, f := range []*os.File{p.stdinR, p.stdinW, p.stdoutR, p.stdoutW, p.stderrR, p.stderrW, p.statusR, p.statusW} {
		if f != nil {
			_ = f.Close()
		}
	}
}
