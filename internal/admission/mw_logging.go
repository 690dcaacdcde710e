package admission

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	admissionv1 "k8s.io/api/admission/v1"

	"github.com/bulwarksec/bulwark/internal/policy"
)

// withDecisionLog writes one line per decision: who did what to which
// object, the verdict and the rules behind it. It never logs the object
// itself, which may hold secrets (a Secret, a pod's env values).
func withDecisionLog(log *slog.Logger, next ReviewFunc) ReviewFunc {
	return func(ctx context.Context, req *admissionv1.AdmissionRequest) *Decision {
		d := next(ctx, req)
		name := req.Name
		if name == "" && d.Object != nil {
			name = d.Object.Name() // generateName prefix of a pod made by a controller
		}
		attrs := []slog.Attr{
			slog.String("uid", string(req.UID)), slog.String("kind", req.Kind.Kind),
			slog.String("namespace", req.Namespace), slog.String("name", name),
			slog.String("operation", string(req.Operation)), slog.String("user", req.UserInfo.Username),
			slog.Bool("dryRun", req.DryRun != nil && *req.DryRun), slog.Bool("allowed", d.Allowed),
		}
		attrs = append(attrs, ruleAttrs(d)...)
		level := slog.LevelInfo
		if d.Err != nil {
			level = slog.LevelWarn
		}
		log.LogAttrs(ctx, level, "admission decision", attrs...)
		return d
	}
}

func ruleAttrs(d *Decision) []slog.Attr {
	var out []slog.Attr
	if d.Skipped != "" {
		out = append(out, slog.String("unevaluated", d.Skipped))
	}
	for _, e := range []policy.Effect{policy.EffectDeny, policy.EffectWarn, policy.EffectAudit} {
		if ids := d.Rules(e); len(ids) > 0 {
			out = append(out, slog.Any(string(e), ids))
		}
	}
	var errs []string
	for _, v := range d.Verdicts {
		if v.Err != nil {
			errs = append(errs, v.Rule.ID+": "+v.Err.Error())
		}
	}
	if d.Err != nil {
		errs = append(errs, d.Err.Error())
	}
	if len(errs) > 0 {
		out = append(out, slog.Any("errors", errs))
	}
	return out
}

// withRequestLog logs requests answered with an HTTP error, which the
// decision log never sees (the review was not decoded).
func withRequestLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(sw, r)
		if sw.code >= 400 {
			log.LogAttrs(r.Context(), slog.LevelWarn, "admission request refused",
				slog.Int("status", sw.code), slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.String("remote", r.RemoteAddr), slog.Duration("took", time.Since(start)))
		}
	})
}
