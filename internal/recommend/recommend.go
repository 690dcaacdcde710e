// Package recommend turns findings into recommendations, as Defender for
// Cloud shows them: one rule across resources, with the resources that
// have issues listed to fix and the healthy ones counted; exemptions (by
// rule or resource, with reason and expiry) take resources out.
package recommend

import (
	"context"
	"time"

	"github.com/bulwarksec/bulwark/internal/store"
)

// Rule is one recommendation's metadata, kept as data.
type Rule struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Severity    string `json:"severity"`
	Description string `json:"description"`
	Remediation string `json:"remediation"`
}

// Rules returns every recommendation. Later issues add workload, cluster and
// host rules here.
func Rules() []Rule {
	return []Rule{
		{
			ID:       "image-vulnerabilities",
			Title:    "Registry images should have vulnerability findings resolved",
			Severity: "high",
			Description: "Container images in connected registries are scanned for known vulnerabilities in their OS and " +
				"language packages. An image is unhealthy when it has findings at or above the health threshold that have a fix.",
			Remediation: "Upgrade the listed packages to their fixed versions (or rebuild on a patched base image), push the new " +
				"image and redeploy. Findings that do not apply can be exempted with a reason and an expiry.",
		},
	}
}

// RuleByID returns the rule with id, or nil.
func RuleByID(id string) *Rule {
	for _, r := range Rules() {
		if r.ID == id {
			return &r
		}
	}
	return nil
}

// Summary is a rule with its resource counts.
type Summary struct {
	Rule
	Unhealthy     int `json:"unhealthy"`
	Healthy       int `json:"healthy"`
	NotApplicable int `json:"notApplicable"`
	Exempt        int `json:"exempt"`
}

// Finding is one fixable problem of a resource.
type Finding struct {
	ID        string  `json:"id"`
	Package   string  `json:"package"`
	Installed string  `json:"installed"`
	Fixed     string  `json:"fixed"`
	Severity  string  `json:"severity"`
	Score     float64 `json:"score"`
	Title     string  `json:"title"`
}

// Resource is one resource a rule lists to fix.
type Resource struct {
	AssetID      string    `json:"assetId"`
	ImageID      int64     `json:"imageId"`
	Name         string    `json:"name"`
	Tags         []string  `json:"tags"`
	Healthy      bool      `json:"healthy"`
	Exempt       bool      `json:"exempt"`
	ExemptReason string    `json:"exemptReason,omitempty"`
	Findings     []Finding `json:"findings"`
}

// AssetID is an image's stable asset ID.
func AssetID(img *store.Image) string { return "image:" + img.Digest }

// exempted reports whether an exemption covers the rule on the asset now.
func exempted(exs []store.Exemption, rule, asset string, now time.Time) (bool, string) {
	for _, e := range exs {
		if (e.Rule == "" || e.Rule == rule) && (e.Resource == "" || e.Resource == asset) &&
			(e.Expires.IsZero() || now.Before(e.Expires)) {
			return true, e.Reason
		}
	}
	return false, ""
}

// anyExemption reports whether any live exemption can cover the rule.
func anyExemption(exs []store.Exemption, rule string, now time.Time) bool {
	for _, e := range exs {
		if (e.Rule == "" || e.Rule == rule) && (e.Expires.IsZero() || now.Before(e.Expires)) {
			return true
		}
	}
	return false
}

// maxListed bounds the unhealthy resources a detail view lists.
const maxListed = 200

// Summaries counts every rule's resources.
func Summaries(ctx context.Context, st *store.Store) ([]Summary, error) {
	var out []Summary
	for _, r := range Rules() {
		s, _, err := evaluate(ctx, st, r, false)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// Detail is one rule with the resources to fix (unhealthy, not exempt)
// and the exempt ones, each with its fixable findings.
func Detail(ctx context.Context, st *store.Store, id string) (*Summary, []Resource, error) {
	r := RuleByID(id)
	if r == nil {
		return nil, nil, store.ErrNotFound
	}
	s, res, err := evaluate(ctx, st, *r, true)
	if err != nil {
		return nil, nil, err
	}
	return &s, res, nil
}

// evaluate computes the image rule: healthy and unhealthy scanned images,
// unscanned ones not applicable (yet), exemptions applied.
func evaluate(ctx context.Context, st *store.Store, r Rule, list bool) (Summary, []Resource, error) {
	s := Summary{Rule: r}
	exs, err := st.Exemptions(ctx)
	if err != nil {
		return s, nil, err
	}
	t, err := st.Totals(ctx)
	if err != nil {
		return s, nil, err
	}
	s.Healthy, s.NotApplicable = t.Healthy, t.Unscanned
	now := time.Now()
	if !list && !anyExemption(exs, r.ID, now) {
		s.Unhealthy = t.Unhealthy // the counts alone need no walk over the images
		return s, nil, nil
	}
	var out []Resource
	for off := 0; ; off += 500 {
		imgs, _, err := st.ListImages(ctx, store.ImageFilter{Health: "unhealthy", Limit: 500, Offset: off})
		if err != nil {
			return s, nil, err
		}
		for i := range imgs {
			img := &imgs[i]
			ex, why := exempted(exs, r.ID, AssetID(img), now)
			if ex {
				s.Exempt++
			} else {
				s.Unhealthy++
			}
			if !list || len(out) >= maxListed {
				continue
			}
			res := Resource{AssetID: AssetID(img), ImageID: img.ID, Name: img.Registry + "/" + img.Repository + "@" + img.Digest,
				Tags: img.Tags, Exempt: ex, ExemptReason: why, Findings: []Finding{}}
			vs, err := st.ImageVulnerabilities(ctx, img.ID)
			if err != nil {
				return s, nil, err
			}
			for _, v := range vs {
				if v.Fixed == "" {
					continue
				}
				res.Findings = append(res.Findings, Finding{ID: v.VulnID, Package: v.Package, Installed: v.Installed,
					Fixed: v.Fixed, Severity: v.Severity, Score: v.Score, Title: v.Title})
			}
			out = append(out, res)
		}
		if len(imgs) < 500 {
			break
		}
	}
	return s, out, nil
}
