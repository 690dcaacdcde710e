package imagehealth

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Verdict is what `bulwark image` leaves on disk after a scan, for the
// image-gating rules to read without a server.
type Verdict struct {
	// Ref is the reference that was scanned, normalized
	// ("docker.io/library/nginx:1.27").
	Ref       string    `json:"ref"`
	Digest    string    `json:"digest,omitempty"`
	Healthy   bool      `json:"healthy"`
	Summary   string    `json:"summary"`
	ScannedAt time.Time `json:"scannedAt"`
}

// DefaultVerdictDir is $BULWARK_VERDICT_DIR, else bulwark/verdicts in the
// user's cache directory.
func DefaultVerdictDir() string {
	if d := os.Getenv("BULWARK_VERDICT_DIR"); d != "" {
		return d
	}
	if c, err := os.UserCacheDir(); err == nil {
		return filepath.Join(c, "bulwark", "verdicts")
	}
	return filepath.Join(".bulwark", "verdicts")
}

// Write stores v under dir by each of refs (which a pod spec may name the
// image by) and by v.Digest when set, replacing earlier verdicts. Each
// file is written whole or not at all (a reader never sees half of one),
// readable by its owner only: a verdict tells which images are weak.
func Write(dir string, v Verdict, refs []string) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var paths []string
	for _, r := range refs {
		key, _, err := normalize(r)
		if err != nil {
			return err
		}
		paths = append(paths, refPath(dir, key))
	}
	if v.Digest != "" {
		p, err := digestPath(dir, v.Digest)
		if err != nil {
			return err
		}
		paths = append(paths, p)
	}
	for _, p := range paths {
		if err := writeAtomic(p, data); err != nil {
			return fmt.Errorf("write verdict: %w", err)
		}
	}
	return nil
}

// writeAtomic writes data to a temporary file beside path (0600, as
// os.CreateTemp makes it) and renames it over path.
func writeAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".verdict-*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}
