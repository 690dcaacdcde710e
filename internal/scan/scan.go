// Package scan is the one image pipeline: open and catalog an image, match
// its packages against vulnerability data, set aside what ignore rules and
// VEX statements cover, and judge the image's health. The CLI and the
// server both call it; the server catalogs an image once and evaluates its
// stored SBOM again whenever the data or the rules change.
package scan

import (
	"context"
	"time"

	"github.com/bulwarksec/bulwark/internal/image"
	"github.com/bulwarksec/bulwark/internal/match"
	"github.com/bulwarksec/bulwark/internal/sbom"
	"github.com/bulwarksec/bulwark/internal/vulndb"
)

// Source is the vulnerability data a scan reads: a *vulndb.DB, or a cache
// in front of one.
type Source interface {
	match.Source
	Meta() vulndb.Meta
}

var _ Source = (*vulndb.DB)(nil)

// Options tune the evaluation of an SBOM.
type Options struct {
	Match  match.Options
	Ignore []match.IgnoreRule
	VEX    []match.VEXStatement
	// Drop removes a finding before anything is counted (the server's
	// rules that disable findings).
	Drop func(match.Vulnerability) bool
	// Show limits the findings reported; the summary and the verdict
	// still count every finding kept (--severity, --ignore-unfixed).
	Show func(match.Vulnerability) bool
	// Policy judges the image's health; its zero value counts every
	// finding, so callers start from match.DefaultPolicy.
	Policy match.Policy
	// Now is when ignore rules are checked for expiry (default time.Now).
	Now time.Time
}

// Result is what scanning one image found.
type Result struct {
	SBOM *sbom.SBOM
	// Vulnerabilities are the findings reported; Suppressed those an
	// ignore rule or VEX statement set aside; Expired the ignore rules
	// no longer applied.
	Vulnerabilities []match.Vulnerability
	Suppressed      []match.Vulnerability
	Expired         []match.IgnoreRule
	Fixes           []match.Fix
	Summary         match.Summary
	Verdict         match.Verdict
	Unsupported     map[string]int
	Database        vulndb.Meta
}

// Catalog opens the target and lists its packages.
func Catalog(ctx context.Context, t image.Target, opts sbom.TargetOptions) (*sbom.SBOM, error) {
	return sbom.FromTarget(ctx, t, opts)
}

// Image catalogs the target and evaluates its packages.
func Image(ctx context.Context, t image.Target, topts sbom.TargetOptions, src Source, opts Options) (*Result, error) {
	sb, err := Catalog(ctx, t, topts)
	if err != nil {
		return nil, err
	}
	return Evaluate(ctx, src, sb, opts)
}

// Evaluate matches the packages of sb against src, sets aside what the
// ignore rules and VEX statements cover, and judges the rest.
func Evaluate(ctx context.Context, src Source, sb *sbom.SBOM, opts Options) (*Result, error) {
	res, err := match.Match(ctx, src, sb.Packages, opts.Match)
	if err != nil {
		return nil, err
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	vs := keep(res.Vulnerabilities, opts.Drop, false)
	kept, suppressed, expired := match.Suppress(vs, opts.Ignore, opts.VEX, now)
	return &Result{
		SBOM:            sb,
		Vulnerabilities: keep(kept, opts.Show, true),
		Suppressed:      suppressed,
		Expired:         expired,
		Fixes:           match.Remediate(kept),
		Summary:         match.Summarize(kept),
		Verdict:         opts.Policy.Judge(kept),
		Unsupported:     res.Unsupported,
		Database:        src.Meta(),
	}, nil
}

// keep returns the findings for which fn says want (all when fn is nil),
// never nil.
func keep(vs []match.Vulnerability, fn func(match.Vulnerability) bool, want bool) []match.Vulnerability {
	out := make([]match.Vulnerability, 0, len(vs))
	for _, v := range vs {
		if fn == nil || fn(v) == want {
			out = append(out, v)
		}
	}
	return out
}
