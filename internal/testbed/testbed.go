// Package testbed starts the real components integration tests run
// against (a Docker engine, the distribution registry, Debian root file
// systems) with the recipes in ../shared/testbed; when one cannot be started
// here, Unavailable skips the test with a clear message, or fails it under CI.
package testbed

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Shared returns the shared folder (see SharedDir); when it is absent the
// shared test bed is Unavailable.
func Shared(t testing.TB) string {
	t.Helper()
	dir := SharedDir()
	if dir == "" {
		Unavailable(t, "shared test bed", "not found: ../shared beside the repository, a shared/ folder above it, or $BULWARK_SHARED")
	}
	return dir
}

// SharedDir finds the shared folder: $BULWARK_SHARED, else ../shared from
// the repository root, else a "shared" folder beside any directory above
// the repository (a clone in /work/ci/x still finds /work/shared). It
// returns "" when there is none.
func SharedDir() string {
	ok := func(d string) bool {
		_, err := os.Stat(filepath.Join(d, "testbed"))
		return err == nil
	}
	if d := os.Getenv("BULWARK_SHARED"); d != "" {
		if ok(d) {
			return d
		}
		return ""
	}
	root := repoRoot()
	if root == "" {
		return ""
	}
	for dir := filepath.Dir(root); ; dir = filepath.Dir(dir) {
		if d := filepath.Join(dir, "shared"); ok(d) {
			return d
		}
		if filepath.Dir(dir) == dir {
			return ""
		}
	}
}

// SharedPath is the path of rel inside the shared folder, or "" when the
// folder or the file is absent (for optional inputs such as fuzz seeds).
func SharedPath(rel ...string) string {
	dir := SharedDir()
	if dir == "" {
		return ""
	}
	p := filepath.Join(append([]string{dir}, rel...)...)
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// repoRoot is the directory holding go.mod, or "".
func repoRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// RepoRoot returns the directory holding go.mod.
func RepoRoot(t testing.TB) string {
	t.Helper()
	root := repoRoot()
	if root == "" {
		t.Fatal("no go.mod above the working directory")
	}
	return root
}

// Heavy skips the test under -short: it needs a real component or a large
// fixture.
func Heavy(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: skipped with -short")
	}
}

var runMu sync.Mutex

// run runs the test bed script that provides component and returns its
// stdout; when the script fails, the component is Unavailable, with the
// script's last words as the reason.
func run(t testing.TB, component string, env []string, name string, args ...string) string {
	t.Helper()
	runMu.Lock()
	defer runMu.Unlock()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		Unavailable(t, component, "%s: %v: %s", filepath.Base(name), err, lastLines(errb.String(), 3))
	}
	return strings.TrimSpace(out.String())
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

// exports reads `export A=B C=D` lines printed by the start scripts.
func exports(s string) map[string]string {
	m := map[string]string{}
	for _, f := range strings.Fields(s) {
		if k, v, ok := strings.Cut(f, "="); ok {
			m[k] = v
		}
	}
	return m
}

// DebianRootfs returns the cached Debian bookworm minbase root file system.
func DebianRootfs(t testing.TB) string {
	Heavy(t)
	return run(t, "Debian rootfs", nil, filepath.Join(Shared(t), "testbed/rootfs/debian.sh"))
}

// DebianLangsRootfs returns a Debian root file system with Python, Java,
// Ruby and Node libraries installed by apt.
func DebianLangsRootfs(t testing.TB) string {
	Heavy(t)
	sh := Shared(t)
	return run(t, "Debian rootfs with language packages", []string{"BULWARK_TESTBED=" + filepath.Join(sh, "testbed")}, filepath.Join(RepoRoot(t), "test/testbed/debian-langs.sh"))
}

// DockerHost starts (or reuses) the test bed's Docker engine and returns
// its DOCKER_HOST.
func DockerHost(t testing.TB) string {
	Heavy(t)
	out := run(t, "Docker engine", nil, filepath.Join(Shared(t), "testbed/docker/start.sh"), dockerDir())
	host := exports(out)["DOCKER_HOST"]
	if host == "" {
		Unavailable(t, "Docker engine", "docker/start.sh printed no DOCKER_HOST: %q", out)
	}
	return host
}

func dockerDir() string {
	if d := os.Getenv("BULWARK_DOCKER_DIR"); d != "" {
		return d
	}
	return "/tmp/bulwark-docker"
}

// DockerImage imports rootfs into the engine as tag and saves it as a
// docker-archive beside the rootfs; it returns the archive path.
func DockerImage(t testing.TB, host, rootfs, tag string) string {
	t.Helper()
	archive := rootfs + "." + strings.NewReplacer("/", "_", ":", "_").Replace(tag) + ".docker-archive.tar"
	run(t, "Docker image "+tag, []string{"DOCKER_HOST=" + host}, filepath.Join(Shared(t), "testbed/rootfs/image.sh"), rootfs, tag, archive)
	return archive
}

// Registry starts (or reuses) the distribution registry on loopback, with
// notifications off, and returns its host:port.
func Registry(t testing.TB) string {
	Heavy(t)
	out := run(t, "registry", nil, filepath.Join(Shared(t), "testbed/registry/start.sh"), "none")
	reg := exports(out)["BULWARK_REGISTRY"]
	if reg == "" {
		Unavailable(t, "registry", "registry/start.sh printed no address: %q", out)
	}
	return reg
}

// Docker runs the docker client against host and fails the test on error.
func Docker(t testing.TB, host string, args ...string) string {
	t.Helper()
	cmd := exec.Command("docker", args...)
	cmd.Env = append(os.Environ(), "DOCKER_HOST="+host)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("docker %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// NotifyingRegistry starts a distribution registry of its own (storage
// under a temporary directory, on port) whose push and pull notifications
// go to notifyURL, stopped when the test ends; it returns its host:port.
func NotifyingRegistry(t testing.TB, port int, notifyURL string) string {
	Heavy(t)
	dir := t.TempDir()
	env := []string{"BULWARK_REGISTRY_DIR=" + dir, "BULWARK_REGISTRY_PORT=" + strconv.Itoa(port)}
	out := run(t, "registry", env, filepath.Join(Shared(t), "testbed/registry/start.sh"), notifyURL)
	reg := exports(out)["BULWARK_REGISTRY"]
	if reg == "" {
		Unavailable(t, "registry", "registry/start.sh printed no address: %q", out)
	}
	stop := filepath.Join(Shared(t), "testbed/registry/stop.sh")
	t.Cleanup(func() {
		cmd := exec.Command(stop)
		cmd.Env = append(os.Environ(), env...)
		cmd.Run()
	})
	return reg
}

// Vulndata is the shared folder of real advisory records
// (../shared/vulndata); when it is absent the data is Unavailable.
func Vulndata(t testing.TB) string {
	t.Helper()
	return sharedSub(t, "real advisory records", "vulndata")
}

// AlpineTarballs is the shared folder of official Alpine minirootfs
// tarballs with their reference package lists; when it is absent they are
// Unavailable.
func AlpineTarballs(t testing.TB) string {
	t.Helper()
	return sharedSub(t, "Alpine minirootfs tarballs", "testbed", "alpine")
}

func sharedSub(t testing.TB, what string, rel ...string) string {
	t.Helper()
	dir := filepath.Join(append([]string{Shared(t)}, rel...)...)
	if _, err := os.Stat(dir); err != nil {
		Unavailable(t, what, "not present at %s", dir)
	}
	return dir
}
