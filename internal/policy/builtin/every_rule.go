package builtin

import (
	"github.com/bulwarksec/bulwark/internal/policy"
)

// EveryRuleConfig returns a configuration under which every built-in rule
// runs on pod-bearing objects, for benchmarks that must measure the whole
// rule set: the Pod Security Standards at restricted (enforced), rules
// disabled by default (image gating) at audit, and the rules whose kind is
// a parameter on Deployments. The image-gating rules need the caller to
// pass an image-health source to policy.New.
func EveryRuleConfig() *policy.Config {
	cfg := policy.DefaultConfig()
	cfg.PSS.Enforce = "restricted"
	cfg.Scope = policy.Scope{}
	cfg.Rules = map[string]policy.RuleConfig{}
	for _, r := range Rules() {
		rc := policy.RuleConfig{}
		if r.Effect == policy.EffectDisabled {
			rc.Effect = policy.EffectAudit
		}
		if r.KindParam != "" {
			rc.Params = map[string]any{r.KindParam: "Deployment"}
		}
		if rc.Effect != "" || rc.Params != nil {
			cfg.Rules[r.ID] = rc
		}
	}
	return cfg
}
