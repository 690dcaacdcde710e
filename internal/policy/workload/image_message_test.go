package workload

import (
	"strings"
	"testing"

	"github.com/bulwarksec/bulwark/internal/policy/policytest"
)

// TestImageUnhealthyMessage: the message names the image, its digest and
// the scan's summary, which a denied user needs to act.
func TestImageUnhealthyMessage(t *testing.T) {
	cs, err := policytest.ReadCases("testdata/cases", imageUnhealthy.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Name != "unhealthy sidecar of a deployment, named by its image field" {
			continue
		}
		res, err := policytest.Evaluate(imageUnhealthy, c)
		if err != nil || len(res.Violations) != 1 {
			t.Fatalf("%+v %v", res, err)
		}
		msg := res.Violations[0].Message
		for _, want := range []string{"envoyproxy/envoy:v1.20.0", "sha256:2222222222222222222222222222222222222222222222222222222222222222", "4 findings high or higher with a fix", "proxy"} {
			if !strings.Contains(msg, want) {
				t.Errorf("message %q does not name %q", msg, want)
			}
		}
		return
	}
	t.Fatal("case not found")
}
