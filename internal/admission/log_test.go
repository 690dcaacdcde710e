package admission

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
)

// TestDecisionLog: one JSON line per decision with who, what and which
// rules; never the object's contents.
func TestDecisionLog(t *testing.T) {
	var buf bytes.Buffer
	wh := New(Options{Engine: testEngine(t, ""), Logger: slog.New(slog.NewJSONHandler(&buf, nil))})
	for _, obj := range []string{privilegedPod, cleanPod} {
		answer(t, post(wh, reviewBody(t, dryRun(request(admissionv1.Create, "Pod", obj))), "application/json"))
	}
	answer(t, post(wh, reviewBody(t, request(admissionv1.Create, "ConfigMap", configMap)), "application/json"))
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines, want one per decision:\n%s", len(lines), buf.String())
	}
	var first struct {
		Msg, UID, Kind, Namespace, Name, Operation, User string
		DryRun, Allowed                                  bool
		Deny                                             []string
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.Msg != "admission decision" || first.UID != "0f5c5f3e-uid" || first.Kind != "Pod" || first.Namespace != "team" ||
		first.Name != "p" || first.Operation != "CREATE" || first.User != "alice" || !first.DryRun || first.Allowed ||
		!slices.Equal(first.Deny, []string{"test.deny"}) {
		t.Errorf("decision line %s", lines[0])
	}
	if !strings.Contains(lines[2], `"unevaluated":"kind"`) {
		t.Errorf("unevaluated line %s", lines[2])
	}
	for _, secret := range []string{"s3cr3t-value", "hunter2", "nginx"} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("the log holds object content %q", secret)
		}
	}
}
