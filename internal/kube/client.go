package kube

import (
	"fmt"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// Client-side rate limits when the configuration sets none. client-go's
// defaults (5 requests/s, bursts of 10) would take seconds to start the
// informers (one watch each) or to ask a probe's reviews (two per
// resource); the API server's priority and fairness still protects it.
const (
	defaultQPS   = 50
	defaultBurst = 100
)

// clientFor is a clientset for a copy of cfg with Bulwark's rate limits
// and, when wrap is not nil, its transport wrapped.
func clientFor(cfg *rest.Config, wrap func(*rest.Config)) (*kubernetes.Clientset, error) {
	c := rest.CopyConfig(cfg)
	if c.QPS == 0 && c.RateLimiter == nil {
		c.QPS, c.Burst = defaultQPS, defaultBurst
	}
	if wrap != nil {
		wrap(c)
	}
	cs, err := kubernetes.NewForConfig(c)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	return cs, nil
}
