package kube

import (
	"context"
	"encoding/json"
	"fmt"

	authorizationv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// ProbeResult is what a cluster answered before Bulwark watches it.
type ProbeResult struct {
	// ServerVersion is the API server's gitVersion ("v1.37.2").
	ServerVersion string
	// Missing are the permissions the credentials lack; empty when
	// Bulwark may list and watch everything it inventories.
	Missing []Permission
}

// Permission is one verb on one resource, and when it is denied, why.
type Permission struct {
	Group, Resource, Verb string
	// Reason is the authorizer's explanation, often empty when RBAC
	// simply has no rule.
	Reason string
}

// String reads like kubectl's "list deployments.apps".
func (p Permission) String() string {
	r := p.Resource
	if p.Group != "" {
		r += "." + p.Group
	}
	return p.Verb + " " + r
}

// Probe reads the server version and asks the API server, with
// SelfSubjectAccessReviews, whether the credentials may list and watch
// every inventoried resource in all namespaces. An error means the cluster
// could not be asked (unreachable, credentials refused); missing
// permissions are not an error but part of the result.
func Probe(ctx context.Context, cfg *rest.Config) (*ProbeResult, error) {
	cs, err := clientFor(cfg, nil)
	if err != nil {
		return nil, err
	}
	v, err := serverVersion(ctx, cs)
	if err != nil {
		return nil, err
	}
	res := &ProbeResult{ServerVersion: v}
	for _, r := range resources {
		for _, verb := range verbs {
			p := Permission{Group: r.Group, Resource: r.Name, Verb: verb}
			allowed, reason, err := accessReview(ctx, cs, p)
			if err != nil {
				return nil, err
			}
			if !allowed {
				p.Reason = reason
				res.Missing = append(res.Missing, p)
			}
		}
	}
	return res, nil
}

// serverVersion reads /version with ctx (discovery's ServerVersion takes
// no context, so a slow server could hold it past the caller's deadline).
func serverVersion(ctx context.Context, cs kubernetes.Interface) (string, error) {
	body, err := cs.Discovery().RESTClient().Get().AbsPath("/version").Do(ctx).Raw()
	if err != nil {
		return "", fmt.Errorf("read server version: %w", err)
	}
	var info struct {
		GitVersion string `json:"gitVersion"`
	}
	if err := json.Unmarshal(body, &info); err != nil {
		return "", fmt.Errorf("read server version: %w", err)
	}
	return info.GitVersion, nil
}

// accessReview asks whether the credentials may do p in every namespace.
func accessReview(ctx context.Context, cs kubernetes.Interface, p Permission) (bool, string, error) {
	review := &authorizationv1.SelfSubjectAccessReview{Spec: authorizationv1.SelfSubjectAccessReviewSpec{
		ResourceAttributes: &authorizationv1.ResourceAttributes{Group: p.Group, Resource: p.Resource, Verb: p.Verb},
	}}
	got, err := cs.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, review, metav1.CreateOptions{})
	if err != nil {
		return false, "", fmt.Errorf("review %s: %w", p, err)
	}
	reason := got.Status.Reason
	if got.Status.EvaluationError != "" {
		reason += " (" + got.Status.EvaluationError + ")"
	}
	return got.Status.Allowed, reason, nil
}
