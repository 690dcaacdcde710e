package policy_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

const hostPathPod = `
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  containers: [{name: app, image: "nginx:1.27"}]
  volumes: [{name: etc, hostPath: {path: /etc}}]
`

// TestCustomRuleOutcomes covers what a custom rule reports beyond pass and
// fail: errors while evaluating, messages, and the paths violations name.
func TestCustomRuleOutcomes(t *testing.T) {
	for _, c := range []struct {
		name, rule, object string
		status             finding.Status
		// want is the error text for status error, else "path: message".
		want string
	}{
		{"missing field is an error", `{expression: "object.spec.nodeName != ''"}`, hostPathPod,
			finding.StatusError, "validations[0]: no such key: nodeName"},
		{"static message", `{expression: "false", message: "always", field: podSpec.volumes}`, hostPathPod,
			finding.StatusFail, "spec.volumes: always"},
		{"default message", `{expression: "podSpec.volumes.size() == 0"}`, hostPathPod,
			finding.StatusFail, ": failed expression: podSpec.volumes.size() == 0"},
		{"message expression", `{expression: "false", messageExpression: "'volume ' + podSpec.volumes[0].name", field: podMetadata.labels}`, hostPathPod,
			finding.StatusFail, "metadata.labels: volume etc"},
		{"failing message expression falls back", `{expression: "false", message: "fallback", messageExpression: "podSpec.nope", field: podSpec}`, hostPathPod,
			finding.StatusFail, "spec: fallback"},
		{"empty message expression falls back", `{expression: "false", message: "fallback", messageExpression: "''", field: metadata.name}`, hostPathPod,
			finding.StatusFail, "metadata.name: fallback"},
		{"podSpec path of a cronjob", `{expression: "false", message: m, field: podSpec.volumes}`, cronJob,
			finding.StatusFail, "spec.jobTemplate.spec.template.spec.volumes: m"},
		{"podMetadata path of a deployment", `{expression: "false", message: m, field: podMetadata}`, vocabDeployment,
			finding.StatusFail, "spec.template.metadata: m"},
		{"nested loops run out of time", `{expression: "lists.range(10000).all(i, lists.range(10000).all(j, i + j >= 0))"}`, hostPathPod,
			finding.StatusError, "context deadline exceeded"},
		{"a dyn expression that is not a bool", `{expression: "object.metadata.name"}`, hostPathPod,
			finding.StatusError, "validations[0]: expression gave string, want bool"},
		{"a dyn message that is not a string falls back", `{expression: "false", message: "fallback", messageExpression: "object.metadata.labels"}`, hostPathPod,
			finding.StatusFail, ": fallback"},
		{"division by zero", `{expression: "1 / (size(podSpec.volumes) - 1) == 1"}`, hostPathPod,
			finding.StatusError, "division by zero"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rules := mustLoad(t, "- {id: t.r, title: R, severity: low, pods: true, validations: ["+c.rule+"]}")
			res := evaluate(t, rules, nil, c.object, nil)[0]
			if res.Status != c.status {
				t.Fatalf("status %s, want %s (%+v)", res.Status, c.status, res)
			}
			got := ""
			if res.Err != nil {
				got = res.Err.Error()
			} else {
				got = res.Violations[0].Path + ": " + res.Violations[0].Message
			}
			if !strings.Contains(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

const cronJob = `
apiVersion: batch/v1
kind: CronJob
metadata: {name: backup, namespace: shop}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: run, image: "busybox:1.36"}]
`

// TestCustomRuleErrorLeavesOthers checks that a custom rule that cannot be
// evaluated reports error while the rules beside it still run.
func TestCustomRuleErrorLeavesOthers(t *testing.T) {
	rules := mustLoad(t, `
- {id: t.broken, title: B, severity: low, pods: true, validations: [{expression: "object.spec.nodeName == 'x'"}]}
- {id: t.ok, title: O, severity: low, pods: true, validations: [{expression: "size(podSpec.containers) == 1"}]}
- {id: t.fails, title: F, severity: low, pods: true, foreach: container, validations: [{expression: "image.tag == 'latest'"}]}`)
	res := evaluate(t, rules, nil, hostPathPod, nil)
	var got []string
	for _, r := range res {
		got = append(got, r.Rule.ID+"="+string(r.Status))
	}
	if s := strings.Join(got, " "); s != "t.broken=error t.ok=pass t.fails=fail" {
		t.Errorf("results %s", s)
	}
}

// TestCustomRuleContext checks that a cancelled review stops a rule inside
// a comprehension rather than letting it run to its cost limit.
func TestCustomRuleContext(t *testing.T) {
	rules := mustLoad(t, `- {id: t.loop, title: L, severity: low, pods: true, validations: [{expression: "lists.range(500).all(i, i >= 0)"}]}`)
	e, err := policy.New(rules, nil, policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	obj := decodeYAML(t, hostPathPod)
	if res := e.Evaluate(context.Background(), obj, nil)[0]; res.Status != finding.StatusPass {
		t.Fatalf("uncancelled: %+v", res)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := e.Evaluate(ctx, obj, nil)[0]
	if res.Status != finding.StatusError || !errors.Is(res.Err, context.Canceled) {
		t.Fatalf("cancelled: status %s, error %v; want error wrapping context.Canceled", res.Status, res.Err)
	}
}

// TestOldObjectUnreadable checks that an oldObject that is not JSON makes
// a rule reading it report error, not pass.
func TestOldObjectUnreadable(t *testing.T) {
	rules := mustLoad(t, `- {id: t.old, title: O, severity: low, pods: true, validations: [{expression: "oldObject == null || has(oldObject.spec)"}]}`)
	res := evaluate(t, rules, nil, hostPathPod, &policy.Request{Operation: "UPDATE", OldObject: []byte("{not json")})[0]
	if res.Status != finding.StatusError || !strings.Contains(res.Err.Error(), "read oldObject") {
		t.Fatalf("%s %v", res.Status, res.Err)
	}
}

// TestCustomRuleCostLimit checks that an expression without loops whose
// cost grows with its input (each replace copies the string) stops at the
// cost limit, before it builds ever larger strings.
func TestCustomRuleCostLimit(t *testing.T) {
	rules := mustLoad(t, `- {id: t.cost, title: C, severity: low, kinds: [ConfigMap],
  validations: [{expression: "object.data.big.replace('a', 'aa').replace('a', 'aa').replace('a', 'aa').replace('a', 'aa').size() > 0"}]}`)
	for n, want := range map[int]finding.Status{1000: finding.StatusPass, 1 << 20: finding.StatusError} {
		cm := `{apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: a}, data: {big: ` + strings.Repeat("a", n) + `}}`
		res := evaluate(t, rules, nil, cm, nil)[0]
		if res.Status != want || (want == finding.StatusError && !strings.Contains(res.Err.Error(), "cost limit exceeded")) {
			t.Errorf("%d characters: %s (%v), want %s", n, res.Status, res.Err, want)
		}
	}
}

// TestCustomRuleLaziness checks that a rule reads the object's document
// only when it names a field of it: a rule on labels runs on an object
// whose JSON is unreadable, one on object reports the error.
func TestCustomRuleLaziness(t *testing.T) {
	rules := mustLoad(t, `
- {id: t.labels, title: L, severity: low, kinds: [example.com/Widget], validations: [{expression: "labels.app == 'w'"}]}
- {id: t.doc, title: D, severity: low, kinds: [example.com/Widget], validations: [{expression: "has(object.spec)"}]}`)
	obj := &policy.Object{APIVersion: "example.com/v1", Kind: "Widget", Raw: []byte("not json"),
		Meta: &metav1.ObjectMeta{Name: "w", Labels: map[string]string{"app": "w"}}}
	e, err := policy.New(rules, nil, policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := e.Evaluate(context.Background(), obj, nil)
	if res[0].Status != finding.StatusPass || res[1].Status != finding.StatusError || !strings.Contains(res[1].Err.Error(), "read Widget for CEL") {
		t.Fatalf("labels rule %s (%v), document rule %s (%v)", res[0].Status, res[0].Err, res[1].Status, res[1].Err)
	}
}

// TestCustomRuleTypedObject checks an object built in Go rather than
// decoded: its document is its typed object's JSON.
func TestCustomRuleTypedObject(t *testing.T) {
	rules := mustLoad(t, `- {id: t.img, title: I, severity: low, pods: true, validations: [{expression: "podSpec.containers[0].image == 'nginx:1.27'"}]}`)
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "shop"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx:1.27"}}}}
	obj := &policy.Object{APIVersion: "v1", Kind: "Pod", Typed: pod, Meta: &pod.ObjectMeta,
		Pod: &policy.Pod{Meta: &pod.ObjectMeta, Spec: &pod.Spec, MetaPath: "metadata", SpecPath: "spec"}}
	e, err := policy.New(rules, nil, policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res := e.Evaluate(context.Background(), obj, nil)[0]; res.Status != finding.StatusPass {
		t.Fatalf("%+v", res)
	}
}

// TestCustomRuleUnknownKind checks that a custom rule reads a kind the
// engine has no Go type for (a custom resource).
func TestCustomRuleUnknownKind(t *testing.T) {
	rules := mustLoad(t, `- {id: t.widget, title: W, severity: low, kinds: [example.com/Widget], validations: [{expression: "object.spec.size <= 10", field: spec.size}]}`)
	for size, want := range map[string]finding.Status{"3": finding.StatusPass, "30": finding.StatusFail} {
		res := evaluate(t, rules, nil, "{apiVersion: example.com/v1, kind: Widget, metadata: {name: w, namespace: a}, spec: {size: "+size+"}}", nil)
		if res[0].Status != want {
			t.Errorf("size %s: %s, want %s", size, res[0].Status, want)
		}
	}
}

// TestCustomRuleConfig checks that a custom rule's effect, parameters and
// scope are configuration like a built-in rule's.
func TestCustomRuleConfig(t *testing.T) {
	rules := mustLoad(t, `- {id: t.reg, title: R, severity: high, pods: true, foreach: container, effect: warn,
  params: [{name: registries, default: [registry.example.com]}],
  validations: [{expression: "image.registry in params.registries"}]}`)
	res := evaluate(t, rules, nil, hostPathPod, nil)[0]
	if res.Status != finding.StatusWarn || res.Effect != policy.EffectWarn {
		t.Fatalf("default: %s %s, want warn", res.Status, res.Effect)
	}
	cfg := policy.DefaultConfig()
	cfg.Rules = map[string]policy.RuleConfig{"t.reg": {Effect: policy.EffectDeny, Params: map[string]any{"registries": []any{"docker.io"}}}}
	if res := evaluate(t, rules, cfg, hostPathPod, nil)[0]; res.Status != finding.StatusPass || res.Effect != policy.EffectDeny {
		t.Fatalf("configured: %s %s, want pass deny", res.Status, res.Effect)
	}
	cfg.Rules["t.reg"] = policy.RuleConfig{Params: map[string]any{"registries": "docker.io"}}
	if _, err := policy.New(rules, cfg, policy.Options{}); err == nil || !strings.Contains(err.Error(), "want list of strings") {
		t.Fatalf("a string for a list parameter: %v", err)
	}
	cfg.Rules["t.reg"] = policy.RuleConfig{Effect: policy.EffectDisabled}
	if res := evaluate(t, rules, cfg, hostPathPod, nil); len(res) != 0 {
		t.Fatalf("disabled rule ran: %+v", res)
	}
}

// TestCustomRulesConcurrent evaluates one object from several goroutines,
// as the CLI may: the object's CEL view is built once and shared (run
// with -race).
func TestCustomRulesConcurrent(t *testing.T) {
	rules, err := policy.LoadCustomRules(os.DirFS("../../docs/examples/policy"), []string{"."})
	if err != nil {
		t.Fatal(err)
	}
	e, err := policy.New(rules, nil, policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	obj := decodeYAML(t, vocabDeployment)
	want := statuses(e.Evaluate(context.Background(), decodeYAML(t, vocabDeployment), nil))
	var wg sync.WaitGroup
	got := make([]string, 8)
	for i := range got {
		wg.Go(func() { got[i] = statuses(e.Evaluate(context.Background(), obj, nil)) })
	}
	wg.Wait()
	for _, g := range got {
		if g != want {
			t.Fatalf("concurrent results %s, want %s", g, want)
		}
	}
}

func statuses(res []policy.Result) string {
	var out []string
	for _, r := range res {
		out = append(out, r.Rule.ID+"="+string(r.Status))
	}
	return strings.Join(out, " ")
}
