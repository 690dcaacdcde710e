package main

import (
	"path/filepath"

	"github.com/spf13/cobra"
)

func newAdmissionCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "admission",
		Short: "Validating admission webhook: serve it, install its configuration",
		Long: `Enforce the workload rules at admission: "bulwark admission serve" runs the
webhook (AdmissionReview v1 at POST /validate, over TLS), and "bulwark
admission install" prints or applies the ValidatingWebhookConfiguration that
sends it the kinds its rules read.`,
	}
	cmd.AddCommand(newAdmissionServeCommand(), newAdmissionInstallCommand())
	return cmd
}

// defaultCertDir is where `admission serve` keeps the CA and certificate
// it generates, and where `admission install` finds the CA.
func defaultCertDir() string { return filepath.Join(defaultDataDir(), "admission-tls") }
