package admission

import (
	"errors"
	"fmt"
	"net/url"
	"slices"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// InstallOptions say how the API server reaches the webhook and what the
// configuration admits when it cannot.
type InstallOptions struct {
	// Name is the ValidatingWebhookConfiguration's name; WebhookName the
	// webhook's (a DNS name of three or more labels, shown in deny
	// messages: admission webhook "<WebhookName>" denied the request).
	Name, WebhookName string
	// Service and Namespace name the Service in front of the webhook,
	// reached on Port at Path. Namespace is also Bulwark's own namespace,
	// always excluded so the webhook's pods can start when it is down.
	Service, Namespace string
	Port               int32
	Path               string
	// URL, when set, is used instead of the Service (a webhook outside the
	// cluster).
	URL string
	// CABundle is the PEM CA bundle the API server verifies the webhook's
	// certificate with.
	CABundle []byte
	// FailurePolicy is Fail or Ignore: what happens to a request when the
	// webhook cannot be reached or answers an error.
	FailurePolicy  string
	TimeoutSeconds int32
	// ExcludedNamespaces are never sent to the webhook (besides Namespace).
	ExcludedNamespaces []string
}

// DefaultInstallOptions are the safe defaults `bulwark admission install`
// starts from; CABundle and the way to reach the webhook are the caller's.
func DefaultInstallOptions() InstallOptions {
	return InstallOptions{Name: "bulwark-admission", WebhookName: "workloads.admission.bulwark",
		Service: "bulwark-admission", Namespace: "bulwark", Port: 443, Path: "/validate",
		FailurePolicy: "Fail", TimeoutSeconds: 3, ExcludedNamespaces: []string{"kube-system"}}
}

// WebhookConfiguration builds the configuration for the kinds the engine
// reads (see Rules).
func WebhookConfiguration(kinds []string, o InstallOptions) (*admissionregistrationv1.ValidatingWebhookConfiguration, error) {
	rules, err := Rules(kinds)
	if err != nil {
		return nil, err
	}
	cc, err := clientConfig(o)
	if err != nil {
		return nil, err
	}
	fp := admissionregistrationv1.FailurePolicyType(o.FailurePolicy)
	if fp != admissionregistrationv1.Fail && fp != admissionregistrationv1.Ignore {
		return nil, fmt.Errorf("failure policy %q: want Fail or Ignore", o.FailurePolicy)
	}
	if o.TimeoutSeconds < 1 || o.TimeoutSeconds > 30 {
		return nil, fmt.Errorf("timeout %ds: want 1 to 30 seconds", o.TimeoutSeconds)
	}
	none, equivalent := admissionregistrationv1.SideEffectClassNone, admissionregistrationv1.Equivalent
	vwc := &admissionregistrationv1.ValidatingWebhookConfiguration{
		TypeMeta: metav1.TypeMeta{APIVersion: "admissionregistration.k8s.io/v1", Kind: "ValidatingWebhookConfiguration"},
		ObjectMeta: metav1.ObjectMeta{Name: o.Name, Labels: map[string]string{
			"app.kubernetes.io/name": "bulwark", "app.kubernetes.io/component": "admission"}},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{
			Name: o.WebhookName, ClientConfig: cc, Rules: rules,
			FailurePolicy: &fp, MatchPolicy: &equivalent, SideEffects: &none, TimeoutSeconds: &o.TimeoutSeconds,
			NamespaceSelector:       excludeNamespaces(append(slices.Clone(o.ExcludedNamespaces), o.Namespace)),
			AdmissionReviewVersions: []string{"v1"},
		}},
	}
	return vwc, nil
}

func clientConfig(o InstallOptions) (admissionregistrationv1.WebhookClientConfig, error) {
	cc := admissionregistrationv1.WebhookClientConfig{CABundle: o.CABundle}
	if len(o.CABundle) == 0 {
		return cc, errors.New("no CA bundle: the API server could not verify the webhook's certificate")
	}
	if o.URL != "" {
		u, err := url.Parse(o.URL)
		if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return cc, fmt.Errorf("webhook URL %q: want https://host[:port]/path without user, query or fragment", o.URL)
		}
		cc.URL = &o.URL
		return cc, nil
	}
	if o.Service == "" || o.Namespace == "" {
		return cc, errors.New("no webhook URL and no Service to reach it through")
	}
	cc.Service = &admissionregistrationv1.ServiceReference{Name: o.Service, Namespace: o.Namespace, Path: &o.Path, Port: &o.Port}
	return cc, nil
}

// excludeNamespaces selects every namespace but these, by the
// kubernetes.io/metadata.name label the API server sets on each.
func excludeNamespaces(names []string) *metav1.LabelSelector {
	names = slices.DeleteFunc(names, func(n string) bool { return n == "" })
	slices.Sort(names)
	names = slices.Compact(names)
	return &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
		Key: "kubernetes.io/metadata.name", Operator: metav1.LabelSelectorOpNotIn, Values: names}}}
}

// ConfigurationYAML is the configuration as `bulwark admission install`
// prints it, ready for kubectl apply -f -.
func ConfigurationYAML(vwc *admissionregistrationv1.ValidatingWebhookConfiguration) ([]byte, error) {
	return yaml.Marshal(vwc)
}
