// Package admission is Bulwark's validating admission webhook: it answers
// AdmissionReviews (admission.k8s.io/v1) with the verdict of the workload
// policy engine, serves them over TLS with health and Prometheus metrics,
// and generates the ValidatingWebhookConfiguration that registers it.
//
// The handler is plain: a Validator turns one AdmissionRequest into a
// Decision. Everything else is middleware, one concern per file: on the
// HTTP side body size, content type, timeout, recovery, request metrics
// and logging (mw_*.go); on the review side the decision metrics and the
// one log line per decision. The webhook keeps no state between requests,
// so any number of replicas can serve one cluster.
package admission
