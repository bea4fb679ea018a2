package result

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
)

// WriteFile writes data to path atomically: a reader sees the old file, no file, or all of data.
func WriteFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	// readable by other containers of the pod, which may run as another user
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Summary is the short form of a result for a channel too small for the whole (a pod's
// termination message, 4 KiB): the verdict, and the size and SHA-256 of the full JSON, so a
// reader can tell the full result it found elsewhere is whole and the right one.
type Summary struct {
	Verdict string `json:"verdict"`
	Bytes   int    `json:"bytes"`
	SHA256  string `json:"sha256"`
}

// WriteSummary overwrites path in place (a bind-mounted file cannot be renamed over).
func WriteSummary(path string, verdict string, data []byte) error {
	sum := sha256.Sum256(data)
	b, err := json.Marshal(Summary{Verdict: verdict, Bytes: len(data), SHA256: hex.EncodeToString(sum[:])})
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
