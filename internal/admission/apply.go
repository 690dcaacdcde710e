package admission

import (
	"context"
	"fmt"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/util/retry"
)

// RESTConfig loads a kubeconfig file (the default loading rules when
// file is empty: $KUBECONFIG, ~/.kube/config) with an optional context.
func RESTConfig(file, context string) (*rest.Config, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if file != "" {
		rules.ExplicitPath = file
	}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules,
		&clientcmd.ConfigOverrides{CurrentContext: context}).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("kubeconfig: %w", err)
	}
	return cfg, nil
}

// Apply creates the configuration, or replaces the one of the same name
// (retrying when another writer changed it meanwhile). It reports whether
// it created it.
func Apply(ctx context.Context, cfg *rest.Config, vwc *admissionregistrationv1.ValidatingWebhookConfiguration) (created bool, err error) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return false, err
	}
	api := cs.AdmissionregistrationV1().ValidatingWebhookConfigurations()
	err = retry.RetryOnConflict(retry.DefaultRetry, func() error {
		cur, err := api.Get(ctx, vwc.Name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			_, err = api.Create(ctx, vwc, metav1.CreateOptions{FieldManager: "bulwark"})
			created = err == nil
			return err
		}
		if err != nil {
			return err
		}
		next := vwc.DeepCopy()
		next.ResourceVersion = cur.ResourceVersion
		_, err = api.Update(ctx, next, metav1.UpdateOptions{FieldManager: "bulwark"})
		return err
	})
	if err != nil {
		return false, fmt.Errorf("apply ValidatingWebhookConfiguration %s: %w", vwc.Name, err)
	}
	return created, nil
}
