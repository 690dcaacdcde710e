package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/bulwarksec/bulwark/internal/admission"
)

type admissionInstallFlags struct {
	opts                admission.InstallOptions
	config              string
	caFile, certDir     string
	kubeconfig, context string
}

func newAdmissionInstallCommand() *cobra.Command {
	f := admissionInstallFlags{opts: admission.DefaultInstallOptions()}
	cmd := &cobra.Command{
		Use:   "install",
		Short: "Print or apply the ValidatingWebhookConfiguration for the webhook",
		Long: `Print the ValidatingWebhookConfiguration that sends the webhook CREATE and
UPDATE requests for exactly the kinds its rules read (the same --config as
"admission serve"), or apply it with --kubeconfig/--context.

Defaults: admissionReviewVersions [v1], sideEffects None, timeoutSeconds 3,
matchPolicy Equivalent, failurePolicy Fail, and kube-system and --namespace
(Bulwark's own) excluded. Fail refuses what the webhook cannot review: a
security control that admits everything while it is down is no control, and
excluding kube-system and Bulwark's namespace keeps the cluster and the
webhook itself able to start. Choose Ignore to favour availability.

The API server reaches the webhook through --service in --namespace, or at
--url for a webhook outside the cluster; it verifies it with --ca-file
(default: the CA "admission serve" generated in --cert-dir).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Flags().Changed("url") && cmd.Flags().Changed("service") {
				return usageError{errors.New("--url and --service exclude each other")}
			}
			return runAdmissionInstall(cmd.Context(), cmd.OutOrStdout(), &f)
		},
	}
	o := &f.opts
	fl := cmd.Flags()
	fl.StringVar(&f.config, "config", "", "policy configuration file the webhook runs with (its rules decide the kinds)")
	fl.StringVar(&o.Name, "name", o.Name, "name of the ValidatingWebhookConfiguration")
	fl.StringVar(&o.WebhookName, "webhook-name", o.WebhookName, "name of the webhook, shown in deny messages")
	fl.StringVar(&o.Service, "service", o.Service, "Service in front of the webhook")
	fl.StringVar(&o.Namespace, "namespace", o.Namespace, "Bulwark's namespace: the Service's, never sent to the webhook")
	fl.Int32Var(&o.Port, "port", o.Port, "Service port")
	fl.StringVar(&o.Path, "path", o.Path, "path of the review endpoint")
	fl.StringVar(&o.URL, "url", "", "https URL of a webhook outside the cluster, instead of --service")
	fl.StringVar(&f.caFile, "ca-file", "", "CA bundle (PEM) that signed the webhook's certificate (default: CERT-DIR/ca.crt)")
	fl.StringVar(&f.certDir, "cert-dir", defaultCertDir(), "where \"admission serve\" keeps a generated CA")
	fl.StringVar(&o.FailurePolicy, "failure-policy", o.FailurePolicy, "Fail (refuse) or Ignore (admit) requests the webhook cannot review")
	fl.Int32Var(&o.TimeoutSeconds, "timeout-seconds", o.TimeoutSeconds, "how long the API server waits for a review (1-30)")
	fl.StringSliceVar(&o.ExcludedNamespaces, "exclude-namespace", o.ExcludedNamespaces, "namespaces never sent to the webhook (besides --namespace)")
	fl.StringVar(&f.kubeconfig, "kubeconfig", "", "apply the configuration to the cluster of this kubeconfig instead of printing it")
	fl.StringVar(&f.context, "context", "", "kubeconfig context to apply with (implies applying)")
	return cmd
}

func runAdmissionInstall(ctx context.Context, stdout io.Writer, f *admissionInstallFlags) error {
	var err error
	if f.opts.FailurePolicy, err = failurePolicy(f.opts.FailurePolicy); err != nil {
		return usageError{err}
	}
	engine, err := policyEngine(f.config, "")
	if err != nil {
		return err
	}
	if f.opts.CABundle, err = caBundle(f.caFile, f.certDir); err != nil {
		return err
	}
	vwc, err := admission.WebhookConfiguration(engine.Kinds(), f.opts)
	if err != nil {
		return usageError{err}
	}
	if f.kubeconfig == "" && f.context == "" {
		out, err := admission.ConfigurationYAML(vwc)
		if err != nil {
			return err
		}
		_, err = stdout.Write(out)
		return err
	}
	return applyConfiguration(ctx, stdout, f, vwc)
}

// failurePolicy accepts Fail and Ignore in any case.
func failurePolicy(s string) (string, error) {
	switch strings.ToLower(s) {
	case "fail":
		return "Fail", nil
	case "ignore":
		return "Ignore", nil
	}
	return "", fmt.Errorf("--failure-policy %q: want Fail or Ignore", s)
}

// applyConfiguration creates or updates the configuration in the cluster
// and says which, as kubectl apply does.
func applyConfiguration(ctx context.Context, stdout io.Writer, f *admissionInstallFlags, vwc *admissionregistrationv1.ValidatingWebhookConfiguration) error {
	cfg, err := admission.RESTConfig(f.kubeconfig, f.context)
	if err != nil {
		return err
	}
	created, err := admission.Apply(ctx, cfg, vwc)
	if err != nil {
		return err
	}
	verb := "configured"
	if created {
		verb = "created"
	}
	fmt.Fprintf(stdout, "validatingwebhookconfiguration.admissionregistration.k8s.io/%s %s\n", vwc.Name, verb)
	return nil
}

// caBundle reads --ca-file, else the CA that `admission serve` generated.
func caBundle(file, certDir string) ([]byte, error) {
	if file == "" {
		file = filepath.Join(certDir, "ca.crt")
		if _, err := os.Stat(file); errors.Is(err, os.ErrNotExist) {
			return nil, usageError{fmt.Errorf("no CA bundle: give --ca-file, or run \"bulwark admission serve\" once to generate one in %s", certDir)}
		}
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	if !strings.Contains(string(b), "-----BEGIN CERTIFICATE-----") {
		return nil, fmt.Errorf("%s: no PEM certificate", file)
	}
	return b, nil
}
