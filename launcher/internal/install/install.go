// Package install prepares a sandbox pod's volumes in its init container: it copies the
// launcher binary where the run container executes it, the submission's files into the
// writable workdir, and the spec to a private path the launcher reads and then deletes.
package install

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// SpecKey is the input entry that holds the launcher's spec; it never reaches the workdir.
const SpecKey = ".spec.json"

// Options names the paths of one installation.
type Options struct {
	Input     string // the run's ConfigMap volume (the code, the files, the spec)
	Workspace string // the writable workdir the program sees
	Self      string // this binary
	Bin       string // where the run container executes the launcher from ("": it is in the image)
	Spec      string // the spec's private path, mode 0600 ("": read where it is)
}

// Run copies everything; the first error stops it (the pod then fails to start, visibly).
func Run(o Options) error {
	if o.Bin != "" {
		if err := copyFile(o.Self, o.Bin, 0o555); err != nil {
			return fmt.Errorf("launcher binary: %w", err)
		}
	}
	root := o.Input
	// A ConfigMap volume holds its files in a timestamped directory behind the ..data link.
	if fi, err := os.Stat(filepath.Join(o.Input, "..data")); err == nil && fi.IsDir() {
		root = filepath.Join(o.Input, "..data")
	}
	root, err := filepath.EvalSymlinks(root)
	if err != nil {
		return err
	}
	return filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if rel == "." {
			return nil
		}
		if strings.HasPrefix(rel, "..") || !filepath.IsLocal(rel) {
			return fmt.Errorf("refusing input path %q", rel)
		}
		switch {
		case rel == SpecKey && o.Spec == "":
			return nil
		case rel == SpecKey:
			return copyFile(path, o.Spec, 0o600)
		case d.IsDir():
			return os.MkdirAll(filepath.Join(o.Workspace, rel), 0o755)
		case d.Type().IsRegular():
			return copyFile(path, filepath.Join(o.Workspace, rel), 0o644)
		default:
			return fmt.Errorf("refusing input %q: not a regular file", rel)
		}
	})
}

func copyFile(from, to string, mode os.FileMode) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
