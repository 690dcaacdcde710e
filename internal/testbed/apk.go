package testbed

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// APK is Alpine's own apk-tools (2.14.9, from the Alpine 3.22.1
// minirootfs of the shared test bed) run through that rootfs's musl
// loader: the reference that apk version ordering is checked against.
type APK struct {
	root string
	mu   sync.Mutex
	memo map[[2]string]int
}

// AlpineAPK extracts apk, its loader and libraries from the minirootfs
// into a temporary directory. apk is Unavailable when the minirootfs is
// absent; off linux/amd64 the test is skipped (it is an x86_64 binary).
func AlpineAPK(t testing.TB) *APK {
	t.Helper()
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("the apk reference runs Alpine's x86_64 apk: linux/amd64 only")
	}
	tarball := filepath.Join(AlpineTarballs(t), "alpine-minirootfs-3.22.1-x86_64.tar.gz")
	root := t.TempDir()
	if err := extractAPK(tarball, root); err != nil {
		Unavailable(t, "apk", "Alpine 3.22.1 minirootfs (the apk reference): %v", err)
	}
	a := &APK{root: root, memo: map[[2]string]int{}}
	if _, err := a.Compare("1.0-r0", "1.0-r1"); err != nil {
		Unavailable(t, "apk", "%v", err)
	}
	return a
}

// Compare returns -1, 0 or 1 as `apk version -t a b` answers <, = or >.
// Answers are remembered, and Compare may be called concurrently.
func (a *APK) Compare(x, y string) (int, error) {
	a.mu.Lock()
	c, ok := a.memo[[2]string{x, y}]
	a.mu.Unlock()
	if ok {
		return c, nil
	}
	out, err := exec.Command(filepath.Join(a.root, "lib/ld-musl-x86_64.so.1"),
		"--library-path", filepath.Join(a.root, "lib")+":"+filepath.Join(a.root, "usr/lib"),
		filepath.Join(a.root, "sbin/apk"), "--root", a.root, "version", "-t", "--", x, y).Output()
	if err != nil {
		return 0, fmt.Errorf("apk version -t %q %q: %w", x, y, err)
	}
	switch s := strings.TrimSpace(string(out)); s {
	case "<":
		c = -1
	case "=":
		c = 0
	case ">":
		c = 1
	default:
		return 0, fmt.Errorf("apk version -t %q %q: unexpected answer %q", x, y, s)
	}
	a.mu.Lock()
	a.memo[[2]string{x, y}], a.memo[[2]string{y, x}] = c, -c
	a.mu.Unlock()
	return c, nil
}

// extractAPK writes what `apk version -t` needs from the tarball into
// root: the musl loader, the libraries and apk's configuration.
func extractAPK(tarball, root string) error {
	f, err := os.Open(tarball)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("%s: %w", tarball, err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", tarball, err)
		}
		name := strings.TrimPrefix(h.Name, "./")
		if !apkNeeded(name) {
			continue
		}
		if err := extractEntry(tr, h, filepath.Join(root, filepath.FromSlash(name))); err != nil {
			return fmt.Errorf("extract %s: %w", h.Name, err)
		}
	}
}

func apkNeeded(name string) bool {
	return !strings.Contains(name, "..") && (name == "sbin/" || name == "sbin/apk" ||
		strings.HasPrefix(name, "lib/") || strings.HasPrefix(name, "usr/") || strings.HasPrefix(name, "etc/"))
}

func extractEntry(r io.Reader, h *tar.Header, path string) error {
	switch h.Typeflag {
	case tar.TypeDir:
		return os.MkdirAll(path, 0o755)
	case tar.TypeSymlink:
		return os.Symlink(h.Linkname, path)
	case tar.TypeReg:
		b, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		return os.WriteFile(path, b, 0o755)
	}
	return nil
}
