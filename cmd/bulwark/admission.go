package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/bulwarksec/bulwark/internal/policy"
	"github.com/bulwarksec/bulwark/internal/policy/builtin"
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

// policyEngine builds the engine from the built-in rules and the policy
// configuration in file (the default configuration when file is "").
func policyEngine(file string) (*policy.Engine, error) {
	cfg := policy.DefaultConfig()
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if cfg, err = policy.ReadConfig(f); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
	}
	if len(cfg.CustomRules) > 0 {
		// Refused rather than ignored: a configuration that names custom
		// rules expects them enforced.
		return nil, fmt.Errorf("%s: customRules: custom rules are not supported by this build yet", file)
	}
	e, err := policy.New(builtin.Rules(), cfg, policy.Options{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return e, nil
}

// defaultCertDir is where `admission serve` keeps the CA and certificate
// it generates, and where `admission install` finds the CA.
func defaultCertDir() string { return filepath.Join(defaultDataDir(), "admission-tls") }
