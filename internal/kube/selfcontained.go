package kube

import (
	"fmt"
	"strings"

	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// checkSelfContained refuses what in the chosen context would make the
// server run a command or read a file of its own.
func checkSelfContained(cfg *clientcmdapi.Config, context string) error {
	ctx := cfg.Contexts[context]
	var found []string
	if c := cfg.Clusters[ctx.Cluster]; c.CertificateAuthority != "" {
		found = append(found, "certificate-authority (a file path; use certificate-authority-data)")
	}
	if u := cfg.AuthInfos[ctx.AuthInfo]; u != nil {
		found = append(found, userProblems(u)...)
	}
	if len(found) > 0 {
		return fmt.Errorf("%w: context %q is not self-contained: %s", ErrKubeconfig, context, strings.Join(found, "; "))
	}
	return nil
}

// userProblems names the user's fields that point outside the kubeconfig.
func userProblems(u *clientcmdapi.AuthInfo) []string {
	var found []string
	add := func(set bool, what string) {
		if set {
			found = append(found, what)
		}
	}
	add(u.ClientCertificate != "", "client-certificate (a file path; use client-certificate-data)")
	add(u.ClientKey != "", "client-key (a file path; use client-key-data)")
	add(u.TokenFile != "", "tokenFile (a file path; use token)")
	add(u.Exec != nil, "exec credential plugin (would run a command on the Bulwark server)")
	add(u.AuthProvider != nil, "auth-provider plugin")
	return found
}
