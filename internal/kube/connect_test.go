package kube

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// kubeconfigFor is a one-context kubeconfig for server with a token.
func kubeconfigFor(server, token string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Config
current-context: c
contexts: [{name: c, context: {cluster: k, user: u}}]
clusters: [{name: k, cluster: {server: %q}}]
users: [{name: u, user: {token: %q}}]
`, server, token)
}

func TestFromKubeconfigRefuses(t *testing.T) {
	const token = "s3cr3t-t0ken"
	good := kubeconfigFor("https://10.0.0.1:6443", token)
	tests := []struct {
		name, data, context, want string
	}{
		{"does not parse", "apiVersion: v1\nclusters: [", "", "does not parse"},
		{"unknown context", good, "prod", `no context "prod" (contexts: c)`},
		{"no current context", strings.Replace(good, "current-context: c", "", 1), "", "no current-context"},
		{"missing cluster", strings.Replace(good, "cluster: k,", "cluster: gone,", 1), "", `names cluster "gone"`},
		{"missing user", strings.Replace(good, "user: u}", "user: nobody}", 1), "", `names user "nobody"`},
		{"no server", kubeconfigFor("", token), "", "has no server URL"},
		{"server not a URL", kubeconfigFor("10.0.0.1:6443", token), "", "not an http(s) URL"},
		{"exec plugin", strings.Replace(good, "{token: ", "{exec: {apiVersion: client.authentication.k8s.io/v1, command: sh}, token: ", 1), "", "exec credential plugin"},
		{"token file", strings.Replace(good, "{token: ", "{tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token, token: ", 1), "", "tokenFile"},
		{"CA file", strings.Replace(good, "{server: ", "{certificate-authority: /etc/ssl/ca.pem, server: ", 1), "", "certificate-authority"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromKubeconfig([]byte(tt.data), tt.context)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, ErrKubeconfig) {
				t.Fatalf("err = %v, want ErrKubeconfig naming %q", err, tt.want)
			}
			if strings.Contains(err.Error(), token) {
				t.Errorf("error shows the token: %v", err)
			}
		})
	}
}

func TestFromKubeconfigAccepts(t *testing.T) {
	cfg, err := FromKubeconfig([]byte(kubeconfigFor("https://10.0.0.1:6443", "tok")), "c")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != "https://10.0.0.1:6443" || cfg.BearerToken != "tok" || cfg.UserAgent != userAgent {
		t.Errorf("config = host %q, token set %v, agent %q", cfg.Host, cfg.BearerToken != "", cfg.UserAgent)
	}
}
