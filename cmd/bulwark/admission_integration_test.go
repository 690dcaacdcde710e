package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/bulwarksec/bulwark/internal/policy/builtin"
	"github.com/bulwarksec/bulwark/internal/testbed"
)

// TestAdmissionOnKubeAPIServer runs `bulwark admission serve` (the real
// binary) against the real kube-apiserver of the k8s test bed, registered
// with `bulwark admission install --url`, and checks what users see:
// denials with Bulwark's message, warnings, kube-system left alone, and
// each failure policy while the webhook is down. One API server serves
// every subtest; they run in order.
func TestAdmissionOnKubeAPIServer(t *testing.T) {
	k := testbed.K8s(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(cfg, []byte(integrationConfig()), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	hook := startWebhook(t, dir, "admission", "serve", "--listen", addr, "--config", cfg,
		"--tls-cert", k.WebhookCert, "--tls-key", k.WebhookKey, "--log-format", "json")
	waitReady(t, k.CAFile, addr)
	install := func(policy string) {
		t.Helper()
		r := bulwark(t, dir, "admission", "install", "--config", cfg, "--url", "https://"+addr+"/validate",
			"--ca-file", k.CAFile, "--kubeconfig", k.Kubeconfig, "--failure-policy", policy)
		if r.code != 0 || !strings.Contains(r.stdout, "validatingwebhookconfiguration.admissionregistration.k8s.io/bulwark-admission") {
			t.Fatalf("install: exit %d: %s%s", r.code, r.stdout, r.stderr)
		}
	}
	install("Fail")
	var warnings lockedBuffer
	cs := clientset(t, k.Kubeconfig, &warnings)
	for _, ns := range []string{"team", "team-warn"} {
		testbed.K8sNamespace(t, cs, ns)
	}
	ctx := context.Background()

	t.Run("privileged pod is denied with Bulwark's message", func(t *testing.T) {
		err := eventually(t, func() error { return createPod(ctx, cs, "team", true, false) }, webhookDenied)
		t.Logf("denial: %v", err)
		for _, want := range []string{`admission webhook "workloads.admission.bulwark" denied the request: Bulwark policy denied this Pod`,
			"[pss.privileged] Privileged containers are disallowed",
			"\n  spec.containers[0].securityContext.privileged: ", // the path, then the rule's own message
			"\n  remediation: "} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("denial does not say %q:\n%v", want, err)
			}
		}
		if !apierrors.IsForbidden(err) {
			t.Errorf("denial is not 403 Forbidden: %v", err)
		}
	})
	t.Run("dry run is evaluated", func(t *testing.T) {
		if err := createPod(ctx, cs, "team", true, true); !webhookDenied(err) {
			t.Errorf("server-side dry run of a privileged pod: %v", err)
		}
	})
	t.Run("compliant Deployment is admitted, and so are its pods", func(t *testing.T) {
		if _, err := cs.AppsV1().Deployments("team").Create(ctx, compliantDeployment(), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		eventually(t, func() error { // the ReplicaSet controller's pod creations go through the webhook too
			pods, err := cs.CoreV1().Pods("team").List(ctx, metav1.ListOptions{LabelSelector: "app=web"})
			if err == nil && len(pods.Items) == 0 {
				err = fmt.Errorf("no pod of the Deployment yet")
			}
			return err
		}, func(err error) bool { return err == nil })
	})
	t.Run("warn rule shows a warning as kubectl prints it", func(t *testing.T) {
		warnings.Reset()
		if err := createPod(ctx, cs, "team-warn", true, false); err != nil {
			t.Fatal(err)
		}
		t.Logf("warnings: %s", warnings.String())
		if got := warnings.String(); !strings.Contains(got, "Warning: [k8s.noPrivilege] spec.containers[0].securityContext.privileged: container app is privileged") {
			t.Errorf("warnings: %q", got)
		}
	})
	t.Run("kube-system is never sent to the webhook", func(t *testing.T) {
		if err := createPod(ctx, cs, "kube-system", true, false); err != nil {
			t.Errorf("privileged pod in kube-system: %v", err)
		}
	})
	t.Run("decisions are counted and logged", func(t *testing.T) {
		metrics := get(t, k.CAFile, "https://"+addr+"/metrics")
		for _, want := range []string{`bulwark_admission_reviews_total{kind="Pod",result="denied"}`,
			`bulwark_admission_rule_decisions_total{effect="deny",rule="pss.privileged",status="fail"}`,
			`bulwark_admission_rule_decisions_total{effect="warn",rule="k8s.noPrivilege",status="warn"}`} {
			if !strings.Contains(metrics, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
	})
	t.Run("webhook stops cleanly on SIGTERM", func(t *testing.T) {
		if code := hook.stop(t); code != 0 {
			t.Errorf("exit %d after SIGTERM:\n%s", code, hook.log.String())
		}
		log := hook.log.String()
		if !strings.Contains(log, `"deny":["pss.privileged"]`) || strings.Contains(log, "registry.invalid") {
			t.Errorf("decision log (denials named, no object contents):\n%s", log)
		}
		if strings.Contains(log, `"namespace":"kube-system"`) {
			t.Error("a kube-system request reached the webhook")
		}
	})
	t.Run("webhook down: failurePolicy Ignore admits", func(t *testing.T) {
		install("Ignore")
		eventually(t, func() error { return createPod(ctx, cs, "team", true, false) }, func(err error) bool { return err == nil })
	})
	t.Run("webhook down: failurePolicy Fail refuses", func(t *testing.T) {
		install("Fail")
		err := eventually(t, func() error { return createPod(ctx, cs, "team", true, false) }, func(err error) bool {
			return err != nil && strings.Contains(err.Error(), `failed calling webhook "workloads.admission.bulwark"`)
		})
		if webhookDenied(err) {
			t.Errorf("refused as a denial, not as a failed call: %v", err)
		}
	})
}

// integrationConfig enforces Pod Security baseline everywhere (kube-system
// included, so only the webhook's namespaceSelector keeps it out), makes
// k8s.noPrivilege warn, takes team-warn out of pss.privileged's scope so
// that a privileged pod there meets only the warning, and sets every
// other built-in rule to audit (but the image-gating ones, which stay
// off without an image-health source), so that rules added later cannot
// change what this test is about.
func integrationConfig() string {
	var b strings.Builder
	b.WriteString("pss: {enforce: baseline}\nscope: {excludedNamespaces: []}\nrules:\n")
	b.WriteString("  k8s.noPrivilege: {effect: warn}\n  pss.privileged: {scope: {excludedNamespaces: [team-warn]}}\n")
	for _, r := range builtin.Rules() {
		if r.Level == "" && r.ID != "k8s.noPrivilege" && !r.NeedsImages { // image gating stays off: no source here
			fmt.Fprintf(&b, "  %s: {effect: audit}\n", r.ID)
		}
	}
	return b.String()
}

func webhookDenied(err error) bool {
	return err != nil && strings.Contains(err.Error(), `admission webhook "workloads.admission.bulwark" denied the request`)
}

// eventually retries f until done accepts its error (the API server picks
// up a webhook configuration within about a second) and returns that error.
func eventually(t *testing.T, f func() error, done func(error) bool) error {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := f()
		if done(err) {
			return err
		}
		if time.Now().After(deadline) {
			t.Fatalf("still not there after 30s: %v", err)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

func createPod(ctx context.Context, cs kubernetes.Interface, ns string, privileged, dryRun bool) error {
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{GenerateName: "p-", Namespace: ns},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "registry.invalid/app:1.0",
			SecurityContext: &corev1.SecurityContext{Privileged: &privileged}}}}}
	opts := metav1.CreateOptions{}
	if dryRun {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	_, err := cs.CoreV1().Pods(ns).Create(ctx, pod, opts)
	return err
}

func clientset(t *testing.T, kubeconfig string, warnings io.Writer) kubernetes.Interface {
	t.Helper()
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	// kubectl's own warning printer: "Warning: <text>" per warning.
	cfg.WarningHandler = rest.NewWarningWriter(warnings, rest.WarningWriterOptions{})
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// webhookProcess is `bulwark admission serve` running from the test binary.
type webhookProcess struct {
	cmd  *exec.Cmd
	log  *lockedBuffer
	done chan struct{}
}

func startWebhook(t *testing.T, dir string, args ...string) *webhookProcess {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	p := &webhookProcess{cmd: exec.Command(exe, args...), log: &lockedBuffer{}, done: make(chan struct{})}
	p.cmd.Dir, p.cmd.Env = dir, append(os.Environ(), runMainEnv+"=1")
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { p.cmd.Process.Kill(); <-p.done })
	return p
}

// stop sends SIGTERM and returns the exit code.
func (p *webhookProcess) stop(t *testing.T) int {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatal("no exit 30s after SIGTERM")
	}
	return p.cmd.ProcessState.ExitCode()
}

func waitReady(t *testing.T, caFile, addr string) {
	t.Helper()
	client := tlsClient(t, caFile)
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := client.Get("https://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("webhook not ready after 20s: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func get(t *testing.T, caFile, url string) string {
	t.Helper()
	resp, err := tlsClient(t, caFile).Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// tlsClient trusts only the test bed's CA, as the API server does.
func tlsClient(t *testing.T, caFile string) *http.Client {
	t.Helper()
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// lockedBuffer is a bytes.Buffer safe for a writer and a reader at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *lockedBuffer) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.Reset()
}
