package policy_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	"sigs.k8s.io/yaml"
)

const digest = "sha256:4bf5e7e3f37e2e5d3ff2d2e3f1e1c6e8a6f0e52d5f7d3c7b0e58b8d0c1b2a3f4"

const vocabDeployment = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {team: shop}, annotations: {note: x}}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      initContainers: [{name: init, image: "busybox:1.36"}]
      containers:
      - {name: app, image: "registry.example.com:5000/shop/web:1.2@` + digest + `", ports: [{containerPort: 8080}]}
      - {name: side, image: nginx}
      - {name: odd, image: "UPPER/Case:x"}
`

const vocabService = `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {ports: [{port: 80}]}
`

// vocabCases are expressions that must hold on vocabDeployment (and, for
// the Service ones, on vocabService): together they read every field of
// the vocabulary, which TestVocabularyCovered checks.
var vocabCases = []struct {
	foreach, kind, expr string
}{
	{"object", "Deployment", "object.spec.replicas == 3 && type(object.spec.replicas) == int && object.metadata.name == 'web'"},
	{"object", "Deployment", "apiVersion == 'apps/v1' && kind == 'Deployment' && namespaceName == 'shop' && name == 'web'"},
	{"object", "Deployment", "labels == {'team': 'shop'} && annotations.note == 'x'"},
	{"object", "Deployment", "size(podSpec.containers) == 3 && podSpec.initContainers[0].name == 'init'"},
	{"object", "Deployment", "podMetadata.labels.app == 'web' && podLabels == {'app': 'web'}"},
	{"object", "Deployment", "request.operation == 'CREATE' && request.userName == 'alice' && request.groups == ['dev'] && request.dryRun && request.subResource == ''"},
	{"object", "Deployment", "oldObject.spec.replicas == 2 && object.spec.replicas == 3"},
	{"object", "Deployment", "params.n == 2 && params.names == ['a'] && params.on"},
	{"object", "Service", "oldObject == null && request == null"},
	{"object", "Service", "podSpec == null && podMetadata == null && podLabels == {} && labels == {} && annotations == {}"},
	{"object", "Service", "object.spec.ports[0].port == 80 && kind == 'Service'"},
	{"container", "Deployment", "containerType == (container.name == 'init' ? 'initContainers' : 'containers')"},
	{"container", "Deployment", "image.reference == container.image && has(container.name)"},
	{"container", "Deployment", "container.name != 'app' || (image.registry == 'registry.example.com:5000' && image.repository == 'shop/web' && image.tag == '1.2' && image.digest == '" + digest + "' && image.name == 'registry.example.com:5000/shop/web' && container.ports[0].containerPort == 8080)"},
	{"container", "Deployment", "container.name != 'side' || (image.registry == 'docker.io' && image.repository == 'library/nginx' && image.name == 'docker.io/library/nginx' && image.tag == '' && image.digest == '')"},
	{"container", "Deployment", "container.name != 'odd' || (image.reference == 'UPPER/Case:x' && image.registry == '' && image.name == '' && image.tag == '')"},
}

func TestVocabulary(t *testing.T) {
	req := &policy.Request{Operation: "CREATE", UserName: "alice", Groups: []string{"dev"}, DryRun: true,
		OldObject: []byte(`{"apiVersion":"apps/v1","kind":"Deployment","spec":{"replicas":2}}`)}
	for i, c := range vocabCases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			spec := fmt.Sprintf(`- {id: t.v, title: V, severity: low, kinds: [%s], foreach: %s,
  params: [{name: n, default: 2}, {name: names, default: [a]}, {name: on, default: true}],
  validations: [{expression: %q}]}`, c.kind, c.foreach, c.expr)
			rules := mustLoad(t, spec)
			obj, r := vocabDeployment, req
			if c.kind == "Service" {
				obj, r = vocabService, nil
			}
			res := evaluate(t, rules, nil, obj, r)
			if len(res) != 1 || res[0].Status != finding.StatusPass {
				t.Fatalf("%s: %+v", c.expr, res)
			}
		})
	}
}

// TestVocabularyCovered keeps TestVocabulary reading every field, so that
// a field added to the table is tested.
func TestVocabularyCovered(t *testing.T) {
	for _, f := range policy.Vocabulary() {
		word := regexp.MustCompile(`\b` + f.Name + `\b`)
		found := false
		for _, c := range vocabCases {
			found = found || word.MatchString(c.expr)
		}
		if !found {
			t.Errorf("no vocabulary case reads %s", f.Name)
		}
		if f.Doc == "" || f.Type == nil {
			t.Errorf("field %s has no type or doc", f.Name)
		}
	}
}

// TestContainerRuleVisitsEveryContainer checks that a container rule runs
// on init, regular and ephemeral containers, in that order, with their
// paths, and skips those its scope excludes.
func TestContainerRuleVisitsEveryContainer(t *testing.T) {
	rules := mustLoad(t, `- {id: t.c, title: C, severity: low, pods: true, foreach: container,
  validations: [{expression: "container.name == 'none'", message: never, field: securityContext}]}`)
	res := evaluate(t, rules, nil, vocabDeployment, nil)
	want := "init spec.template.spec.initContainers[0].securityContext; app spec.template.spec.containers[0].securityContext; " +
		"side spec.template.spec.containers[1].securityContext; odd spec.template.spec.containers[2].securityContext"
	if got := violations(res[0]); got != want {
		t.Errorf("violations %s, want %s", got, want)
	}
	cfg := policy.DefaultConfig()
	cfg.Scope = policy.Scope{ExcludedContainers: []string{"side"}, ExcludedImages: []string{"busybox:*"}}
	res = evaluate(t, rules, cfg, vocabDeployment, nil)
	want = "app spec.template.spec.containers[0].securityContext; odd spec.template.spec.containers[2].securityContext"
	if got := violations(res[0]); got != want {
		t.Errorf("with excluded containers: violations %s, want %s", got, want)
	}
}

func violations(r policy.Result) string {
	var out []string
	for _, v := range r.Violations {
		out = append(out, strings.TrimSpace(v.Container+" "+v.Path))
	}
	return strings.Join(out, "; ")
}

func mustLoad(t testing.TB, spec string) []*policy.Rule {
	t.Helper()
	rules, err := policy.LoadCustomRules(fstest.MapFS{"rules.yaml": {Data: []byte(spec)}}, []string{"rules.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	return rules
}

// evaluate runs rules (with the default configuration but every namespace
// covered, unless cfg is given) on an object written in YAML.
func evaluate(t testing.TB, rules []*policy.Rule, cfg *policy.Config, objYAML string, req *policy.Request) []policy.Result {
	t.Helper()
	if cfg == nil {
		cfg = policy.DefaultConfig()
	}
	e, err := policy.New(rules, cfg, policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return e.Evaluate(context.Background(), decodeYAML(t, objYAML), req)
}

func decodeYAML(t testing.TB, objYAML string) *policy.Object {
	t.Helper()
	data, err := yaml.YAMLToJSON([]byte(objYAML))
	if err != nil {
		t.Fatal(err)
	}
	obj, err := policy.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	return obj
}
