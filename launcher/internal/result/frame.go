package result

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"regexp"
)

// The result on stdout is base64 between two marker lines carrying a nonce, so a
// reader of a mixed or truncated log can find it and know it is complete:
//
//	--- code-runner-result <nonce> ---
//	<base64 of the JSON, 76 columns>
//	--- end <nonce> ---
const lineWidth = 76

// nonceRE is what a nonce may look like: it goes into a marker line verbatim.
var nonceRE = regexp.MustCompile(`^[A-Za-z0-9_-]{8,128}$`)

// ValidNonce reports whether n can be used in marker lines.
func ValidNonce(n string) bool { return nonceRE.MatchString(n) }

func beginMarker(nonce string) string { return "--- code-runner-result " + nonce + " ---" }
func endMarker(nonce string) string   { return "--- end " + nonce + " ---" }

// Frame wraps the JSON for stdout. It starts with a newline so the begin marker is
// on a line of its own whatever was printed before.
func Frame(json []byte, nonce string) []byte {
	enc := base64.StdEncoding.EncodeToString(json)
	var b bytes.Buffer
	b.WriteString("\n" + beginMarker(nonce) + "\n")
	for len(enc) > lineWidth {
		b.WriteString(enc[:lineWidth] + "\n")
		enc = enc[lineWidth:]
	}
	b.WriteString(enc + "\n" + endMarker(nonce) + "\n")
	return b.Bytes()
}

// FrameError says a log holds no complete, decodable result for the nonce.
type FrameError struct{ Problem string }

func (e *FrameError) Error() string { return "result frame: " + e.Problem }

// Extract finds the last framed result for nonce in a log and returns its JSON.
func Extract(log []byte, nonce string) ([]byte, error) {
	begin := []byte("\n" + beginMarker(nonce) + "\n")
	i := bytes.LastIndex(log, begin)
	if i < 0 {
		return nil, &FrameError{Problem: "no begin marker"}
	}
	body := log[i+len(begin):]
	j := bytes.Index(body, []byte("\n"+endMarker(nonce)+"\n"))
	if j < 0 {
		return nil, &FrameError{Problem: "no end marker (log truncated?)"}
	}
	clean := bytes.ReplaceAll(body[:j], []byte("\n"), nil)
	out := make([]byte, base64.StdEncoding.DecodedLen(len(clean)))
	n, err := base64.StdEncoding.Decode(out, clean)
	if err != nil {
		return nil, &FrameError{Problem: fmt.Sprintf("base64: %v", err)}
	}
	return out[:n], nil
}
