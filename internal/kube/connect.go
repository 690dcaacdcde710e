package kube

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// ErrKubeconfig marks a kubeconfig that cannot be used: the user's input
// is wrong, not Bulwark (the API answers 422, the CLI exits 2).
var ErrKubeconfig = errors.New("kubeconfig")

// userAgent names Bulwark in the API server's audit log.
const userAgent = "bulwark"

// FromKubeconfig builds a client configuration from kubeconfig bytes and
// a context name ("" for the file's current context). The kubeconfig must
// be self-contained: it comes from a user of the platform and is used on
// the server, so credential plugins (exec, auth-provider) that would run
// commands there and file paths that would read the server's own files
// (its service-account token, its keys) are refused. Errors name the
// problem, never a credential.
func FromKubeconfig(data []byte, context string) (*rest.Config, error) {
	cfg, err := clientcmd.Load(data)
	if err != nil {
		return nil, fmt.Errorf("%w does not parse: %w", ErrKubeconfig, err)
	}
	name, err := pickContext(cfg, context)
	if err != nil {
		return nil, err
	}
	if err := checkSelfContained(cfg, name); err != nil {
		return nil, err
	}
	rc, err := clientcmd.NewNonInteractiveClientConfig(*cfg, name, &clientcmd.ConfigOverrides{}, nil).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("%w: context %q: %w", ErrKubeconfig, name, err)
	}
	rc.UserAgent = userAgent
	return rc, nil
}

// InCluster is the configuration of a Bulwark running in the cluster it
// reads, from its pod's service account.
func InCluster() (*rest.Config, error) {
	rc, err := rest.InClusterConfig()
	if err != nil {
		return nil, fmt.Errorf("in-cluster config: %w", err)
	}
	rc.UserAgent = userAgent
	return rc, nil
}

// pickContext returns the context to use, checking that it and its
// cluster exist and that the cluster has a usable server URL.
func pickContext(cfg *clientcmdapi.Config, name string) (string, error) {
	if name == "" {
		name = cfg.CurrentContext
	}
	if name == "" {
		return "", fmt.Errorf("%w has no current-context: name one (contexts: %s)", ErrKubeconfig, contextNames(cfg))
	}
	ctx, ok := cfg.Contexts[name]
	if !ok {
		return "", fmt.Errorf("%w has no context %q (contexts: %s)", ErrKubeconfig, name, contextNames(cfg))
	}
	cluster, ok := cfg.Clusters[ctx.Cluster]
	if !ok {
		return "", fmt.Errorf("%w: context %q names cluster %q, which is not in the file", ErrKubeconfig, name, ctx.Cluster)
	}
	if ctx.AuthInfo != "" && cfg.AuthInfos[ctx.AuthInfo] == nil {
		return "", fmt.Errorf("%w: context %q names user %q, which is not in the file", ErrKubeconfig, name, ctx.AuthInfo)
	}
	return name, checkServer(name, cluster.Server)
}

// checkServer wants an absolute http(s) URL: clientcmd would otherwise
// fall back to localhost, which on the server is Bulwark itself.
func checkServer(context, server string) error {
	if server == "" {
		return fmt.Errorf("%w: the cluster of context %q has no server URL", ErrKubeconfig, context)
	}
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%w: the cluster of context %q has server %q, not an http(s) URL", ErrKubeconfig, context, server)
	}
	return nil
}

// contextNames lists the file's contexts, sorted, for error messages.
func contextNames(cfg *clientcmdapi.Config) string {
	names := make([]string, 0, len(cfg.Contexts))
	for n := range cfg.Contexts {
		names = append(names, n)
	}
	if len(names) == 0 {
		return "none"
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}
