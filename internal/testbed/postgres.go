package testbed

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// PostgresDSNEnv names an environment variable holding the DSN of an
// existing PostgreSQL server (a superuser's, e.g. a CI service container);
// when it is set, Postgres creates its databases there instead of starting
// a server.
const PostgresDSNEnv = "BULWARK_POSTGRES_DSN"

// pgServer is the one PostgreSQL server a test binary shares.
type pgServer struct {
	once  sync.Once
	admin string // DSN of the maintenance database
	skip  string // why PostgreSQL cannot run here
	err   error  // why it failed to start
	root  string // directory we created, removed by StopPostgres
	proc  *os.Process
	exit  chan struct{} // closed when the server process exits
	seq   atomic.Int64
}

var pg pgServer

// Postgres returns the DSN of a new, empty database on a PostgreSQL server
// shared by the whole test binary (started on first use, on loopback, as
// user postgres since it refuses to run as root). The database is dropped
// when the test ends. The server stops when StopPostgres is called (from
// TestMain) or, failing that, when the test binary exits. PostgreSQL is
// Unavailable when it is not installed.
func Postgres(t testing.TB) string {
	t.Helper()
	Heavy(t)
	pg.once.Do(pg.start)
	switch {
	case pg.skip != "":
		Unavailable(t, "PostgreSQL", "%s", pg.skip)
	case pg.err != nil:
		t.Fatalf("start PostgreSQL: %v", pg.err)
	}
	name := fmt.Sprintf("t%d_%s", pg.seq.Add(1), dbNameSafe.ReplaceAllString(strings.ToLower(t.Name()), "_"))
	if len(name) > 63 {
		name = name[:63]
	}
	if err := pgExec(pg.admin, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := pgExec(pg.admin, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	return withDatabase(pg.admin, name)
}

var dbNameSafe = regexp.MustCompile(`[^a-z0-9_]+`)

// StopPostgres stops the shared server, if this binary started one, and
// removes its files. Call it from TestMain after m.Run.
func StopPostgres() {
	if pg.proc == nil {
		return
	}
	_ = pg.proc.Signal(syscall.SIGINT) // fast shutdown
	select {
	case <-pg.exit:
	case <-time.After(20 * time.Second):
		_ = pg.proc.Kill()
		<-pg.exit
	}
	pg.proc = nil
	_ = os.RemoveAll(pg.root)
}

func (s *pgServer) start() {
	if dsn := os.Getenv(PostgresDSNEnv); dsn != "" {
		s.admin = dsn
		s.err = pgWait(dsn, nil, 10*time.Second)
		return
	}
	bin, err := postgresBin()
	if err != nil {
		s.skip = err.Error()
		return
	}
	cred, err := postgresCredential()
	if err != nil {
		s.skip = err.Error()
		return
	}
	if fi, err := os.Stat(os.DevNull); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		// initdb's children write to /dev/null; on a machine where it is
		// a plain file only root can write, initdb fails half-way.
		s.skip = os.DevNull + " is not a character device on this machine, so initdb cannot run (restore it with mknod -m 666 /dev/null c 1 3, or run the tests in a mount namespace with a real one bound over it)"
		return
	}
	sweepPostgresDirs()
	s.err = s.boot(bin, cred)
}

// postgresBin finds the directory holding initdb and postgres.
func postgresBin() (string, error) {
	cands := []string{"/usr/lib/postgresql/15/bin"}
	more, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Sort(sort.Reverse(sort.StringSlice(more)))
	cands = append(cands, more...)
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			cands = append(cands, filepath.Dir(real))
		}
		cands = append(cands, filepath.Dir(p))
	}
	for _, dir := range cands {
		if isExec(filepath.Join(dir, "initdb")) && isExec(filepath.Join(dir, "postgres")) {
			return dir, nil
		}
	}
	return "", errors.New("PostgreSQL is not installed: no initdb and postgres in /usr/lib/postgresql/*/bin or PATH (apt-get install postgresql-15, or set " + PostgresDSNEnv + ")")
}

func isExec(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// postgresCredential is the user the server runs as: postgres when we are
// root (the server refuses root), else ourselves (nil).
func postgresCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root and there is no postgres user to run PostgreSQL as (apt-get install postgresql-15): %v", err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("user postgres has a non-numeric uid %q or gid %q", u.Uid, u.Gid)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// boot runs initdb and starts the server, retrying with another port when
// the one picked was taken in between.
func (s *pgServer) boot(bin string, cred *syscall.Credential) error {
	root, err := os.MkdirTemp("", "bulwark-pg-")
	if err != nil {
		return err
	}
	s.root = root
	data := filepath.Join(root, "data")
	if err := preparePostgresDirs(root, data, cred); err != nil {
		return err
	}
	logPath := filepath.Join(root, "initdb.log")
	if err := runAs(cred, logPath, filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "-N"); err != nil {
		return fmt.Errorf("initdb: %v: %s", err, tailFile(logPath))
	}
	for try := 0; ; try++ {
		port, err := freePort()
		if err != nil {
			return err
		}
		err = s.serve(bin, cred, root, data, port)
		if err == nil || try == 2 {
			return err
		}
	}
}

func preparePostgresDirs(root, data string, cred *syscall.Credential) error {
	if err := os.Chmod(root, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(root, "owner"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return err
	}
	if err := os.Mkdir(data, 0o700); err != nil {
		return err
	}
	if cred != nil {
		return os.Chown(data, int(cred.Uid), int(cred.Gid))
	}
	return nil
}

// serve starts postgres on port and waits until it accepts connections.
// The server gets SIGINT (fast shutdown) when the thread that started it
// dies, so a test binary that exits without StopPostgres leaves no server.
func (s *pgServer) serve(bin string, cred *syscall.Credential, root, data string, port int) error {
	logPath := filepath.Join(root, "postgres.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-k", data, "-h", "127.0.0.1", "-p", strconv.Itoa(port),
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=300")
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = postgresEnv()
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGINT}
	started := make(chan error, 1)
	exit := make(chan struct{})
	go func() {
		// Pdeathsig fires when the starting thread exits: keep it alive
		// for as long as the server runs.
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		_ = cmd.Wait()
		close(exit)
	}()
	if err := <-started; err != nil {
		return fmt.Errorf("start postgres: %v", err)
	}
	admin := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	if err := pgWait(admin, exit, 60*time.Second); err != nil {
		_ = cmd.Process.Kill()
		<-exit
		return fmt.Errorf("postgres on port %d: %v: %s", port, err, tailFile(logPath))
	}
	s.admin, s.proc, s.exit = admin, cmd.Process, exit
	return nil
}

// postgresEnv is our environment without the PG* variables that would
// redirect the server or its tools, in the C locale.
func postgresEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") && !strings.HasPrefix(kv, "LC_") && !strings.HasPrefix(kv, "LANG=") {
			env = append(env, kv)
		}
	}
	return append(env, "LC_ALL=C")
}

func runAs(cred *syscall.Credential, logPath, name string, args ...string) error {
	logf, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = postgresEnv()
	cmd.Dir = os.TempDir()
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	return cmd.Run()
}

// pgWait polls dsn until it accepts a connection, the server exits or the
// time is up.
func pgWait(dsn string, exit <-chan struct{}, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := pgconn.Connect(ctx, dsn)
		cancel()
		if err == nil {
			return conn.Close(context.Background())
		}
		select {
		case <-exit:
			return errors.New("server exited")
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not accepting connections after %v: %v", limit, err)
		}
	}
}

func pgExec(dsn, sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgconn.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql).ReadAll()
	return err
}

// withDatabase replaces the database in a postgres:// URL.
func withDatabase(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	u.Path = "/" + name
	return u.String()
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func tailFile(p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		return err.Error()
	}
	return lastLines(string(b), 5)
}

// sweepPostgresDirs removes the directories of earlier test binaries that
// died without StopPostgres (their server went with them).
func sweepPostgresDirs() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "bulwark-pg-*"))
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "owner"))
		if err != nil {
			continue // still being set up, or not ours
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || processAlive(pid) {
			continue
		}
		_ = os.RemoveAll(d)
	}
}

func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
