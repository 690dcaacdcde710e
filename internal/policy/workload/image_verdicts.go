package workload

import (
	"context"
	"errors"
	"fmt"

	"github.com/bulwarksec/bulwark/internal/policy"
)

// eachImage asks the image-health source about every container's image
// (once per image) and returns a violation at the container's image field
// wherever judge gives a message. A source that cannot answer makes the
// whole rule an error: the configured failure mode decides, not a guess.
func eachImage(ctx context.Context, in *policy.Input, judge func(policy.Container, policy.ImageVerdict) string) ([]policy.Violation, error) {
	if in.Images == nil {
		return nil, errors.New("no image-health source is configured")
	}
	seen := map[string]policy.ImageVerdict{}
	var vs []policy.Violation
	for _, c := range in.Containers() {
		v, ok := seen[c.Image]
		if !ok {
			var err error
			if v, err = in.Images.Health(ctx, c.Image); err != nil {
				return nil, fmt.Errorf("image health of %s (container %s): %w", c.Image, c.Name, err)
			}
			seen[c.Image] = v
		}
		if msg := judge(c, v); msg != "" {
			vs = append(vs, policy.Violation{Path: c.Field("image"), Container: c.Name, Message: msg})
		}
	}
	return vs, nil
}
