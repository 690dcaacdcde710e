package kube

import (
	"fmt"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// ReadKubeconfigFile reads a kubeconfig on the user's machine and inlines
// the files it references (CA, client certificate and key), relative to
// the file as kubectl resolves them, so that the bytes can be sent to a
// server that cannot read those files: the CLI door to FromKubeconfig.
// Token files and credential plugins stay as they are and FromKubeconfig
// refuses them.
func ReadKubeconfigFile(path string) ([]byte, error) {
	cfg, err := clientcmd.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrKubeconfig, path, err)
	}
	if err := clientcmdapi.FlattenConfig(cfg); err != nil {
		return nil, fmt.Errorf("%w %s: inline referenced files: %w", ErrKubeconfig, path, err)
	}
	data, err := clientcmd.Write(*cfg)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrKubeconfig, path, err)
	}
	return data, nil
}
