package policytest

import (
	"context"
	"errors"

	"github.com/bulwarksec/bulwark/internal/policy"
)

// ImageCase is what the image-health source of a case says about one
// image: a verdict, or Error when the source could not answer (an
// unreachable server).
type ImageCase struct {
	Scanned bool   `json:"scanned,omitempty"`
	Healthy bool   `json:"healthy,omitempty"`
	Digest  string `json:"digest,omitempty"`
	Summary string `json:"summary,omitempty"`
	Error   string `json:"error,omitempty"`
}

// fakeImages answers from a case's table, as a source that knows only
// those images would; the real sources are tested in internal/imagehealth.
type fakeImages map[string]ImageCase

var _ policy.ImageHealth = fakeImages(nil)

func (f fakeImages) Health(_ context.Context, image string) (policy.ImageVerdict, error) {
	c := f[image]
	if c.Error != "" {
		return policy.ImageVerdict{}, errors.New(c.Error)
	}
	return policy.ImageVerdict{Scanned: c.Scanned, Healthy: c.Healthy, Digest: c.Digest, Summary: c.Summary}, nil
}
