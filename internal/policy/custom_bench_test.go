package policy_test

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	"github.com/bulwarksec/bulwark/internal/policy/builtin"
	"sigs.k8s.io/yaml"
)

// benchDeployment reads the realistic Deployment as the webhook gets it:
// JSON.
func benchDeployment(b *testing.B) []byte {
	b.Helper()
	y, err := os.ReadFile("testdata/custom/deployment.yaml")
	if err != nil {
		b.Fatal(err)
	}
	data, err := yaml.YAMLToJSON(y)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkCustomRules measures one review's work for custom rules: decode
// the Deployment (three containers) and run the five example rules on it,
// which convert the object for CEL once and evaluate nine expressions
// (two container rules on each container). BenchmarkDecode is the decode
// alone, to subtract.
func BenchmarkCustomRules(b *testing.B) {
	rules, err := policy.LoadCustomRules(os.DirFS("../../docs/examples/policy"), []string{"custom-rules.yaml"})
	if err != nil {
		b.Fatal(err)
	}
	e, err := policy.New(rules, nil, policy.Options{})
	if err != nil {
		b.Fatal(err)
	}
	benchReviews(b, e, true)
}

// BenchmarkBuiltinRules is the same review with every built-in rule (Go)
// instead, for scale.
func BenchmarkBuiltinRules(b *testing.B) {
	e, err := policy.New(builtin.Rules(), nil, policy.Options{})
	if err != nil {
		b.Fatal(err)
	}
	benchReviews(b, e, false)
}

// benchReviews decodes the Deployment and evaluates it with e, b.N times;
// mustPass fails the benchmark when a rule does not pass.
func benchReviews(b *testing.B, e *policy.Engine, mustPass bool) {
	data := benchDeployment(b)
	ctx := context.Background()
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		obj, err := policy.Decode(data)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range e.Evaluate(ctx, obj, nil) {
			if mustPass && r.Status != finding.StatusPass {
				b.Fatalf("%s: %s %v %v", r.Rule.ID, r.Status, r.Violations, r.Err)
			}
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	data := benchDeployment(b)
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		if _, err := policy.Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}

// reportCPU adds cpu-ns/op, the process's CPU time (GC included) per
// operation: on a machine shared with other work, wall time per operation
// counts the waits for a core, CPU time does not.
func reportCPU(b *testing.B) func() {
	start := cpuTime(b)
	return func() { b.ReportMetric(float64((cpuTime(b)-start).Nanoseconds())/float64(b.N), "cpu-ns/op") }
}

func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
