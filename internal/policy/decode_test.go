package policy

import (
	"context"
	"testing"
)

func TestKindKey(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{`{"apiVersion":"v1","kind":"Service","metadata":{"name":"a"}}`, "Service"},
		{`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a"}}`, "Deployment"},
		{`{"apiVersion":"v1","kind":"Secret","metadata":{"name":"a"}}`, "Secret"},
		{`{"apiVersion":"serving.knative.dev/v1","kind":"Service","metadata":{"name":"a"}}`, "serving.knative.dev/Service"},
		{`{"apiVersion":"example.com/v1","kind":"Pod","metadata":{"name":"a"}}`, "example.com/Pod"},
	} {
		o, err := Decode([]byte(tc.doc))
		if err != nil {
			t.Fatal(err)
		}
		if got := o.KindKey(); got != tc.want {
			t.Errorf("%s: KindKey %q, want %q", tc.doc, got, tc.want)
		}
	}
}

// TestCustomKindNotJudgedAsBuiltin: a rule written for Services never
// sees a custom resource named Service (it would find no typed object).
func TestCustomKindNotJudgedAsBuiltin(t *testing.T) {
	r := &Rule{ID: "t.svc", Effect: EffectDeny, Kinds: []string{"Service"},
		Check: func(context.Context, *Input) ([]Violation, error) { return []Violation{{Message: "x"}}, nil }}
	e, err := New([]*Rule{r}, &Config{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	o, _ := Decode([]byte(`{"apiVersion":"serving.knative.dev/v1","kind":"Service","metadata":{"name":"a","namespace":"n"}}`))
	if res := e.Evaluate(context.Background(), o, nil); len(res) != 0 {
		t.Fatalf("rule for core Services ran on a Knative Service: %+v", res)
	}
}
