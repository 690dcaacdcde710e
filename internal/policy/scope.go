package policy

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/labels"
)

// Scope limits the resources a rule covers. Namespace and image patterns
// match exactly, or by prefix when they end in "*" ("team-*",
// "registry.example.com/*"), as Azure Policy's and Gatekeeper's do.
type Scope struct {
	// Namespaces, when set, are the only namespaces covered.
	Namespaces []string `json:"namespaces,omitempty"`
	// ExcludedNamespaces are never covered.
	ExcludedNamespaces []string `json:"excludedNamespaces,omitempty"`
	// LabelSelector selects objects by their labels ("app=web,tier!=db").
	LabelSelector string `json:"labelSelector,omitempty"`
	// ExcludedContainers are container names a rule does not look at.
	ExcludedContainers []string `json:"excludedContainers,omitempty"`
	// ExcludedImages are images a rule does not look at.
	ExcludedImages []string `json:"excludedImages,omitempty"`
}

// over returns s with the fields that o sets replaced by o's.
func (s Scope) over(o *Scope) Scope {
	if o == nil {
		return s
	}
	if o.Namespaces != nil {
		s.Namespaces = o.Namespaces
	}
	if o.ExcludedNamespaces != nil {
		s.ExcludedNamespaces = o.ExcludedNamespaces
	}
	if o.LabelSelector != "" {
		s.LabelSelector = o.LabelSelector
	}
	if o.ExcludedContainers != nil {
		s.ExcludedContainers = o.ExcludedContainers
	}
	if o.ExcludedImages != nil {
		s.ExcludedImages = o.ExcludedImages
	}
	return s
}

// scope is a Scope ready to match.
type scope struct {
	Scope
	selector labels.Selector
}

func compileScope(s Scope) (*scope, error) {
	sc := &scope{Scope: s}
	if s.LabelSelector != "" {
		sel, err := labels.Parse(s.LabelSelector)
		if err != nil {
			return nil, fmt.Errorf("label selector %q: %w", s.LabelSelector, err)
		}
		sc.selector = sel
	}
	return sc, nil
}

// covers reports whether the object is in scope. Cluster-scoped objects
// have no namespace and are covered unless Namespaces is set.
func (s *scope) covers(o *Object) bool {
	ns := o.Namespace()
	if ns != "" && MatchAny(s.ExcludedNamespaces, ns) {
		return false
	}
	if len(s.Namespaces) > 0 && !MatchAny(s.Namespaces, ns) {
		return false
	}
	return s.selector == nil || s.selector.Matches(labels.Set(o.Meta.Labels))
}

// coversContainer reports whether a rule looks at the container.
func (s *scope) coversContainer(c Container) bool {
	return !MatchAny(s.ExcludedContainers, c.Name) && !MatchAny(s.ExcludedImages, c.Image)
}

// MatchPattern reports whether s matches one entry of Azure Policy's and
// Gatekeeper's pattern syntax, which scopes and rule parameters share: "*"
// matches everything, an entry ending in "*" matches by prefix
// ("team-*", "registry.example.com/*", "kernel.*"), any other exactly.
func MatchPattern(pattern, s string) bool {
	if prefix, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(s, prefix)
	}
	return pattern == s
}

// MatchAny reports whether s matches one of the patterns (MatchPattern).
func MatchAny(patterns []string, s string) bool {
	for _, p := range patterns {
		if MatchPattern(p, s) {
			return true
		}
	}
	return false
}
