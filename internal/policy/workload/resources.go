package workload

import (
	"fmt"

	"github.com/bulwarksec/bulwark/internal/policy"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// computeResources are the resources Azure's resource rules read, in the
// order violations are reported.
var computeResources = []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory}

// resourceContainers are the containers in scope that can declare
// resources: ephemeral containers cannot, so Azure's templates skip them.
func resourceContainers(in *policy.Input) []policy.Container {
	var out []policy.Container
	for _, c := range in.Containers() {
		if c.Type != policy.Ephemeral {
			out = append(out, c)
		}
	}
	return out
}

// quantityParam reads a quantity parameter; "" means no bound.
func quantityParam(in *policy.Input, name string) (*resource.Quantity, error) {
	s := in.Params.String(name)
	if s == "" || s == "-1" {
		return nil, nil
	}
	q, err := resource.ParseQuantity(s)
	if err != nil {
		return nil, fmt.Errorf("parameter %s: %w", name, err)
	}
	return &q, nil
}

// requested reports whether the container requests r. A limit without a
// request counts: the API server sets the request to the limit, so the
// pod that runs has one.
func requested(c policy.Container, r corev1.ResourceName) bool {
	_, req := c.Resources.Requests[r]
	_, lim := c.Resources.Limits[r]
	return req || lim
}
