package pss

import (
	"context"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"
	psa "k8s.io/pod-security-admission/policy"
)

// The comparison with upstream: Pod Security Admission's own evaluator
// (k8s.io/pod-security-admission, a test-only dependency at the release of
// the other k8s.io modules) and Bulwark's pss rules run through the engine
// judge the same pods, at every version and both levels, and must agree on
// the verdict and on the set of failing check IDs.

// newestMinor is the newest policy version upstream's checks know (the
// last MinimumVersion of any check). Bulwark's "latest" must behave as it.
func newestMinor(t *testing.T) int {
	newest := 0
	for _, c := range psa.DefaultChecks() {
		v := c.Versions[len(c.Versions)-1].MinimumVersion
		newest = max(newest, v.Minor())
	}
	if newest == 0 {
		t.Fatal("upstream registers no versioned checks")
	}
	return newest
}

// upstreamJudge evaluates pods with upstream's evaluator, and each check
// alone to name the failing check IDs, which upstream's aggregate result
// does not carry.
type upstreamJudge struct {
	all    psa.Evaluator
	checks []psa.Check
	single map[psa.CheckID]psa.Evaluator
}

func newUpstreamJudge(t *testing.T) *upstreamJudge {
	checks := psa.DefaultChecks()
	all, err := psa.NewEvaluator(checks, nil)
	if err != nil {
		t.Fatal(err)
	}
	u := &upstreamJudge{all: all, checks: checks, single: map[psa.CheckID]psa.Evaluator{}}
	for _, c := range checks {
		if u.single[c.ID], err = psa.NewEvaluator([]psa.Check{c}, nil); err != nil {
			t.Fatal(err)
		}
	}
	return u
}

// failing returns the sorted IDs of the checks that forbid the pod at lv.
// It also checks its own reconstruction: the per-check results, in
// upstream's order (baseline IDs sorted, then restricted), must carry the
// same forbidden reasons as the aggregate.
func (u *upstreamJudge) failing(t *testing.T, lv api.LevelVersion, meta *metav1.ObjectMeta, spec *corev1.PodSpec) []string {
	agg := psa.AggregateCheckResults(u.all.EvaluatePod(lv, meta, spec))
	var ids, reasons []string
	for _, c := range u.ordered(lv) {
		for _, r := range u.single[c.ID].EvaluatePod(api.LevelVersion{Level: c.Level, Version: lv.Version}, meta, spec) {
			if !r.Allowed {
				ids, reasons = append(ids, string(c.ID)), append(reasons, r.ForbiddenReason)
			}
		}
	}
	if !slices.Equal(reasons, agg.ForbiddenReasons) {
		t.Fatalf("%s: per-check reasons %q differ from the aggregate's %q", lv, reasons, agg.ForbiddenReasons)
	}
	slices.Sort(ids)
	return ids
}

// ordered returns the checks upstream runs at lv, in its order: the
// level's checks and, for restricted, the baseline checks that no
// restricted check overrides at that version.
func (u *upstreamJudge) ordered(lv api.LevelVersion) []psa.Check {
	var base, strict []psa.Check
	for _, c := range u.checks {
		switch {
		case c.Level == api.LevelBaseline && !u.overridden(lv, c.ID):
			base = append(base, c)
		case c.Level == api.LevelRestricted && lv.Level == api.LevelRestricted:
			strict = append(strict, c)
		}
	}
	byID := func(a, b psa.Check) int { return strings.Compare(string(a.ID), string(b.ID)) }
	slices.SortFunc(base, byID)
	slices.SortFunc(strict, byID)
	return append(base, strict...)
}

func (u *upstreamJudge) overridden(lv api.LevelVersion, id psa.CheckID) bool {
	if lv.Level != api.LevelRestricted {
		return false
	}
	for _, c := range u.checks {
		if vc := applicable(c, lv.Version); vc != nil && slices.Contains(vc.OverrideCheckIDs, id) {
			return true
		}
	}
	return false
}

// applicable returns the versioned check of c in force at v, nil before
// its first version.
func applicable(c psa.Check, v api.Version) *psa.VersionedCheck {
	var out *psa.VersionedCheck
	for i := range c.Versions {
		if !v.Older(c.Versions[i].MinimumVersion) {
			out = &c.Versions[i]
		}
	}
	return out
}

// bulwarkJudge evaluates objects with the pss rules through the engine,
// one engine per level and version, configured as a namespace labelled
// pod-security.kubernetes.io/enforce=<level>, enforce-version=<version>.
type bulwarkJudge struct {
	engines map[string]*policy.Engine
}

func newBulwarkJudge() *bulwarkJudge { return &bulwarkJudge{engines: map[string]*policy.Engine{}} }

func (b *bulwarkJudge) engine(t *testing.T, level, version string) *policy.Engine {
	key := level + "/" + version
	if e := b.engines[key]; e != nil {
		return e
	}
	cfg := policy.DefaultConfig()
	cfg.Scope = policy.Scope{}
	cfg.PSS = policy.PSSConfig{Version: version, Enforce: level}
	e, err := policy.New(Rules(), cfg, policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b.engines[key] = e
	return e
}

// failing returns the sorted upstream check IDs of the rules that deny the
// object. A rule in status error fails the test: upstream never errs.
func (b *bulwarkJudge) failing(t *testing.T, level, version string, obj *policy.Object) ([]string, []policy.Violation) {
	var ids []string
	var vs []policy.Violation
	for _, r := range b.engine(t, level, version).Evaluate(context.Background(), obj, nil) {
		switch r.Status {
		case finding.StatusFail:
			ids = append(ids, strings.TrimPrefix(r.Rule.ID, "pss."))
			vs = append(vs, r.Violations...)
		case finding.StatusError:
			t.Fatalf("rule %s: %v", r.Rule.ID, r.Err)
		}
	}
	slices.Sort(ids)
	return ids, vs
}

// fixtureRoot returns upstream's generated fixtures in the module cache
// (test/testdata of the module zip), found by the go command so that it
// follows GOMODCACHE and GOFLAGS as the build does.
func fixtureRoot(t *testing.T) string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "k8s.io/pod-security-admission").Output()
	if err != nil {
		t.Fatalf("locate k8s.io/pod-security-admission: %v", err)
	}
	return strings.TrimSpace(string(out)) + "/test/testdata"
}
