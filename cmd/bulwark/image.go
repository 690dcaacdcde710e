package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/image"
	"github.com/bulwarksec/bulwark/internal/imagehealth"
	"github.com/bulwarksec/bulwark/internal/match"
	"github.com/bulwarksec/bulwark/internal/progress"
	"github.com/bulwarksec/bulwark/internal/report"
	"github.com/bulwarksec/bulwark/internal/scan"
	"github.com/bulwarksec/bulwark/internal/vulndb"
)

type imageScanFlags struct {
	image         imageFlags
	dbDir         string
	offline       bool
	format        string
	output        string
	severities    []string
	ignoreUnfixed bool
	exitCode      int
	failOn        string
	ignoreFile    string
	vex           []string
	matchOwned    bool
	unhealthyOn   string
	unhealthyAny  bool
	noVerdict     bool
}

func newImageCommand() *cobra.Command {
	var f imageScanFlags
	cmd := &cobra.Command{
		Use:   "image TARGET",
		Short: "Scan an image for known vulnerabilities",
		Long: `Scan TARGET for known vulnerabilities: list its packages, match them
against the vulnerability database (see "bulwark db"), and report each
finding with its severity and the version that fixes it, the upgrades that
fix the most, and a healthy/unhealthy verdict. The verdict is also
recorded, by the image's references and digest, for the image-gating rules
of "bulwark policy test" (imageHealth in its --config; see
--no-verdict-cache).

TARGET is any target of "bulwark sbom", including sbom:FILE.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runImage(cmd.Context(), args[0], &f)
		},
	}
	f.image.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.dbDir, "db-dir", defaultDBDir(), "vulnerability database directory (env BULWARK_DB_DIR)")
	fl.BoolVar(&f.offline, "offline", false, "never download vulnerability data (scans only read the local database anyway)")
	fl.StringVarP(&f.format, "format", "f", "table", "output format: table, json, sarif, junit or cyclonedx")
	fl.StringVarP(&f.output, "output", "o", "", "write to FILE instead of standard output")
	fl.StringSliceVar(&f.severities, "severity", nil, "report only these severities (critical,high,medium,low,informational,unknown)")
	fl.BoolVar(&f.ignoreUnfixed, "ignore-unfixed", false, "report only findings that have a fixed version")
	fl.IntVar(&f.exitCode, "exit-code", 0, "exit with this code when findings are reported (with --fail-on: when those are)")
	fl.StringVar(&f.failOn, "fail-on", "", "fail (exit 1, or --exit-code) when a reported finding is this severe or more")
	fl.StringVar(&f.ignoreFile, "ignore-file", "", "ignore rules (YAML or a list of IDs); default .bulwarkignore.yaml when present")
	fl.StringSliceVar(&f.vex, "vex", nil, "OpenVEX or CycloneDX VEX documents marking findings not affected")
	fl.BoolVar(&f.matchOwned, "match-owned", false, "also match language packages owned by OS packages as language packages")
	fl.StringVar(&f.unhealthyOn, "unhealthy-on", "high", "lowest severity that makes the image unhealthy")
	fl.BoolVar(&f.unhealthyAny, "unhealthy-unfixed", false, "count findings without a fix toward the verdict too")
	fl.BoolVar(&f.noVerdict, "no-verdict-cache", false, "do not record the verdict for \"bulwark policy test\" (kept in $BULWARK_VERDICT_DIR, default bulwark/verdicts in the user cache)")
	return cmd
}

// defaultDBDir is $BULWARK_DB_DIR, else bulwark/db in the user's cache.
func defaultDBDir() string {
	if d := os.Getenv("BULWARK_DB_DIR"); d != "" {
		return d
	}
	if c, err := os.UserCacheDir(); err == nil {
		return c + "/bulwark/db"
	}
	return ".bulwark/db"
}

func runImage(ctx context.Context, arg string, f *imageScanFlags) error {
	format, err := report.ParseFormat(f.format)
	if err != nil {
		return usageError{err}
	}
	var sevs []finding.Severity
	for _, s := range f.severities {
		sev, err := finding.ParseSeverity(s)
		if err != nil && !strings.EqualFold(s, "unknown") {
			return usageError{fmt.Errorf("--severity: %w", err)}
		}
		sevs = append(sevs, sev)
	}
	var failOn finding.Severity = -1
	if f.failOn != "" {
		if failOn, err = finding.ParseSeverity(f.failOn); err != nil {
			return usageError{fmt.Errorf("--fail-on: %w", err)}
		}
	}
	policy := match.DefaultPolicy()
	if policy.Threshold, err = finding.ParseSeverity(f.unhealthyOn); err != nil {
		return usageError{fmt.Errorf("--unhealthy-on: %w", err)}
	}
	policy.FixedOnly = !f.unhealthyAny
	t, err := image.ParseTarget(arg)
	if err != nil {
		return usageError{err}
	}
	opts, err := f.image.options()
	if err != nil {
		return err
	}
	rules, vex, err := f.suppressions()
	if err != nil {
		return err
	}

	db, err := vulndb.Open(f.dbDir)
	if err != nil {
		return err
	}
	defer db.Close()
	meta := db.Meta()
	if age := time.Since(meta.Updated); age > 24*time.Hour {
		fmt.Fprintf(os.Stderr, "warning: vulnerability data is %s old (updated %s): run `bulwark db update`\n",
			age.Round(time.Hour), meta.Updated.Format(time.RFC3339))
	}

	ctx, cancel := context.WithTimeout(ctx, f.image.timeout)
	defer cancel()
	res, err := scan.Image(ctx, t, opts, db, scan.Options{
		Match: match.Options{MatchOwned: f.matchOwned}, Ignore: rules, VEX: vex, Policy: policy, Show: f.shown(sevs),
	})
	if bar, ok := opts.Progress.(*progress.Bar); ok {
		bar.Done()
	}
	if err != nil {
		return err
	}
	r := res.Report("bulwark", version, time.Now().UTC())
	color := format == report.FormatTable && (f.output == "" || f.output == "-") && term.IsTerminal(int(os.Stdout.Fd()))
	if err := writeOutput(f.output, func(w io.Writer) error {
		return report.Write(w, r, format, report.Options{Color: color})
	}); err != nil {
		return err
	}
	if !f.noVerdict {
		cacheVerdict(res, t)
	}
	return scanExit(res.Vulnerabilities, failOn, f.exitCode)
}

// cacheVerdict records the image's verdict for the image-gating policy
// rules, by its references and digest. A scan's report stands without
// it, so a failure to record is a warning.
func cacheVerdict(res *scan.Result, t image.Target) {
	v, refs := imagehealth.FromScan(res, t, time.Now())
	if len(refs) == 0 && v.Digest == "" {
		return // a directory or an SBOM without a digest: nothing names it
	}
	if err := imagehealth.Write(imagehealth.DefaultVerdictDir(), v, refs); err != nil {
		fmt.Fprintf(os.Stderr, "warning: the verdict was not recorded for policy checks: %v\n", err)
	}
}

// suppressions are the ignore rules (--ignore-file, else
// .bulwarkignore.yaml when present) and VEX statements (--vex) to apply.
func (f *imageScanFlags) suppressions() ([]match.IgnoreRule, []match.VEXStatement, error) {
	var rules []match.IgnoreRule
	ignoreFile := f.ignoreFile
	if ignoreFile == "" {
		if _, err := os.Stat(".bulwarkignore.yaml"); err == nil {
			ignoreFile = ".bulwarkignore.yaml"
		}
	}
	if ignoreFile != "" {
		var err error
		if rules, err = match.LoadIgnoreFile(ignoreFile); err != nil {
			return nil, nil, err
		}
	}
	var vex []match.VEXStatement
	for _, p := range f.vex {
		st, err := match.LoadVEX(p)
		if err != nil {
			return nil, nil, err
		}
		vex = append(vex, st...)
	}
	return rules, vex, nil
}

// shown says which findings to report: --severity and --ignore-unfixed.
func (f *imageScanFlags) shown(sevs []finding.Severity) func(match.Vulnerability) bool {
	return func(v match.Vulnerability) bool {
		return (len(sevs) == 0 || slices.Contains(sevs, v.Rating.Severity)) && (!f.ignoreUnfixed || v.Status == match.StatusFixed)
	}
}

// scanExit applies --fail-on and --exit-code to the reported findings.
func scanExit(vs []match.Vulnerability, failOn finding.Severity, code int) error {
	if failOn >= 0 {
		for _, v := range vs {
			if v.Rating.Severity >= failOn {
				return exitCode{max(code, 1)}
			}
		}
		return nil
	}
	if code != 0 && len(vs) > 0 {
		return exitCode{code}
	}
	return nil
}
