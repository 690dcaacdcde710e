package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/imagehealth"
	"github.com/bulwarksec/bulwark/internal/policy"
	"github.com/bulwarksec/bulwark/internal/policy/builtin"
	"github.com/bulwarksec/bulwark/internal/report"
)

type policyTestFlags struct {
	config     string
	pssVersion string
	format     string
	output     string
	failOn     string
	exitCode   int
}

func newPolicyCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Check Kubernetes manifests against workload rules",
	}
	cmd.AddCommand(newPolicyTestCommand())
	return cmd
}

func newPolicyTestCommand() *cobra.Command {
	var f policyTestFlags
	cmd := &cobra.Command{
		Use:   "test FILE|DIR|- ...",
		Short: "Check manifests (YAML or JSON, Helm or kustomize output) as the admission webhook would",
		Long: `Check Kubernetes manifests against the workload rules the admission
webhook enforces: the Pod Security Standards, the best-practice rules and
any custom rules of --config. Each argument is a file, a folder (every
.yaml, .yml and .json file under it) or - for standard input, holding
one or more YAML or JSON documents.

Every rule whose configuration leaves it enabled is reported, whatever its
effect. The exit status is 0 unless --fail-on or --exit-code say otherwise,
as for "bulwark image".`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPolicyTest(cmd.Context(), args, &f, cmd.InOrStdin())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.config, "config", "", "policy configuration (YAML): effects, parameters, scopes, PSS levels, custom rules")
	fl.StringVar(&f.pssVersion, "pss-version", "", "Pod Security Standards version: latest or v1.N (default: the config's, else latest)")
	fl.StringVarP(&f.format, "format", "f", "table", "output format: table, json, sarif or junit")
	fl.StringVarP(&f.output, "output", "o", "", "write to FILE instead of standard output")
	fl.StringVar(&f.failOn, "fail-on", "", "fail (exit 1, or --exit-code) when a failed rule is this severe or more")
	fl.IntVar(&f.exitCode, "exit-code", 0, "exit with this code when a rule fails (with --fail-on: one that severe)")
	return cmd
}

func runPolicyTest(ctx context.Context, args []string, f *policyTestFlags, stdin io.Reader) error {
	format, err := report.ParseFormat(f.format)
	if err != nil || format == report.FormatCycloneDX {
		return usageError{fmt.Errorf("--format %q: want table, json, sarif or junit", f.format)}
	}
	var failOn finding.Severity = -1
	if f.failOn != "" {
		if failOn, err = finding.ParseSeverity(f.failOn); err != nil {
			return usageError{fmt.Errorf("--fail-on: %w", err)}
		}
	}
	engine, err := policyEngine(f.config, f.pssVersion)
	if err != nil {
		return err
	}
	var docs []policy.Document
	for _, a := range args {
		d, err := readManifests(a, stdin)
		if err != nil {
			return err
		}
		docs = append(docs, d...)
	}
	all, err := engine.CheckDocuments(ctx, docs)
	if err != nil {
		return err
	}
	run := &report.Run{Tool: "bulwark", Version: version, Created: time.Now().UTC(), Findings: all}
	if format == report.FormatTable || format == report.FormatSARIF {
		run.Findings = policy.Problems(all)
	}
	color := format == report.FormatTable && (f.output == "" || f.output == "-") && term.IsTerminal(int(os.Stdout.Fd()))
	if err := writeOutput(f.output, func(w io.Writer) error {
		return report.WriteRun(w, run, format, report.Options{Color: color})
	}); err != nil {
		return err
	}
	return policyExit(all, failOn, f.exitCode)
}

// policyEngine builds the engine from the built-in rules and the
// configuration file (the defaults without one).
func policyEngine(configFile, pssVersion string) (*policy.Engine, error) {
	cfg := policy.DefaultConfig()
	if configFile != "" {
		fh, err := os.Open(configFile)
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		if cfg, err = policy.ReadConfig(fh); err != nil {
			return nil, fmt.Errorf("%s: %w", configFile, err)
		}
	}
	if pssVersion != "" {
		if _, err := policy.ParseVersion(pssVersion); err != nil {
			return nil, usageError{fmt.Errorf("--pss-version: %w", err)}
		}
		cfg.PSS.Version = pssVersion
	}
	images, err := imagehealth.New(cfg.ImageHealth, filepath.Dir(configFile))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", configFile, err)
	}
	rules := builtin.Rules()
	if configFile != "" && len(cfg.CustomRules) > 0 {
		// Custom rule paths are relative to the configuration file.
		custom, err := policy.LoadCustomRules(os.DirFS(filepath.Dir(configFile)), cfg.CustomRules)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", configFile, err)
		}
		rules = append(rules, custom...)
	}
	e, err := policy.New(rules, cfg, policy.Options{Images: images})
	if err != nil && configFile != "" {
		return nil, fmt.Errorf("%s: %w", configFile, err)
	}
	return e, err
}

// readManifests reads one argument of "policy test": a file, a folder or -.
func readManifests(arg string, stdin io.Reader) ([]policy.Document, error) {
	if arg == "-" {
		return policy.ReadDocuments(stdin, "-")
	}
	st, err := os.Stat(arg)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return policy.ReadTree(os.DirFS(arg), ".", filepath.ToSlash(arg))
	}
	fh, err := os.Open(arg)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return policy.ReadDocuments(fh, arg)
}

// policyExit applies --fail-on and --exit-code to the failed rules.
func policyExit(fs []finding.Finding, failOn finding.Severity, code int) error {
	for _, f := range fs {
		if f.Status != finding.StatusFail && f.Status != finding.StatusError {
			continue
		}
		if failOn < 0 && code != 0 {
			return exitCode{code}
		}
		if failOn >= 0 && f.Severity >= failOn {
			return exitCode{max(code, 1)}
		}
	}
	return nil
}
