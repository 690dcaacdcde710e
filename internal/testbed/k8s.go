package testbed

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// K8sCluster is a running kube-apiserver + etcd + kube-controller-manager
// of the shared k8s test bed, on loopback.
type K8sCluster struct {
	// Dir is the test bed's WORKDIR (PKI, logs, etcd data).
	Dir string
	// Kubeconfig is the admin's (system:masters); APIURL and CAFile reach
	// and verify the API server.
	Kubeconfig, APIURL, CAFile string
	// WebhookCert and WebhookKey are a serving certificate for 127.0.0.1
	// and localhost, signed by CAFile's CA.
	WebhookCert, WebhookKey string
	// Env is all of WORKDIR/env.
	Env map[string]string
	// Bin is the folder of the test bed's binaries (testbed-pause, a static
	// program that waits for a signal, makes a small image that keeps
	// running).
	Bin string
}

// K8s starts the k8s test bed (../shared/testbed/k8s/start.sh) in a
// temporary WORKDIR and stops it when the test ends. It is Unavailable
// when the binaries have not been built (build.sh, about 30 minutes cold)
// or when it does not start. Starting takes 6 to 10 seconds: share one
// cluster between the subtests of a test.
func K8s(t testing.TB) *K8sCluster {
	return startK8s(t, false)
}

// K8sKubelet is K8s with one real node (start.sh --kubelet: containerd,
// kubelet, scheduler) that runs pods, pulling their images from the
// registry test bed on 127.0.0.1:5099 over plain HTTP. Stopping it with
// pods running takes about 14 s more.
func K8sKubelet(t testing.TB) *K8sCluster {
	return startK8s(t, true)
}

func startK8s(t testing.TB, kubelet bool) *K8sCluster {
	Heavy(t)
	dir := filepath.Join(Shared(t), "testbed", "k8s")
	build := "build.sh"
	if kubelet {
		build += " --kubelet"
	}
	if missing := k8sMissing(dir, kubelet); missing != "" {
		Unavailable(t, "kube-apiserver test bed", "%s is not built: run %s/%s (about 30 min cold)", missing, dir, build)
	}
	work := t.TempDir()
	t.Cleanup(func() { // before TempDir's removal: cleanups run last first
		if out, err := exec.Command(filepath.Join(dir, "stop.sh"), work).CombinedOutput(); err != nil {
			t.Errorf("k8s test bed stop.sh: %v: %s", err, out)
		}
	})
	args := []string{work}
	if kubelet {
		args = append(args, "--kubelet")
	}
	run(t, "kube-apiserver test bed", nil, filepath.Join(dir, "start.sh"), args...)
	env, err := readEnv(filepath.Join(work, "env"))
	if err != nil {
		t.Fatalf("k8s test bed: %v", err)
	}
	return &K8sCluster{Dir: work, Kubeconfig: env["KUBECONFIG"], APIURL: env["BULWARK_API_URL"], CAFile: env["BULWARK_CA_FILE"],
		WebhookCert: env["BULWARK_WEBHOOK_CERT"], WebhookKey: env["BULWARK_WEBHOOK_KEY"], Env: env, Bin: k8sBin(dir)}
}

// k8sBin is the folder build.sh puts the binaries in.
func k8sBin(dir string) string {
	version, _ := os.ReadFile(filepath.Join(dir, "VERSION"))
	cache := os.Getenv("BULWARK_TESTBED_CACHE")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache", "bulwark-testbed")
	}
	return filepath.Join(cache, "k8s-"+strings.TrimSpace(string(version)), "bin")
}

// k8sMissing names the first binary start.sh needs that is not built.
func k8sMissing(dir string, kubelet bool) string {
	if _, err := os.Stat(filepath.Join(dir, "VERSION")); err != nil {
		return "VERSION"
	}
	bins := []string{"etcd", "kube-apiserver", "kube-controller-manager"}
	if kubelet {
		bins = append(bins, "kube-scheduler", "kubelet", "testbed-pause")
	}
	for _, b := range bins {
		p := filepath.Join(k8sBin(dir), b)
		if fi, err := os.Stat(p); err != nil || fi.Mode()&0o111 == 0 {
			return p
		}
	}
	return ""
}

// readEnv reads the KEY=value lines start.sh writes.
func readEnv(file string) (map[string]string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	env := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			env[k] = v
		}
	}
	return env, sc.Err()
}
