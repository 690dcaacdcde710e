package server

import "net/http"

// securityHeaders sets what every answer carries: no MIME sniffing (an
// uploaded or reflected string is never run as a script or style), and,
// on TLS, HSTS so browsers keep to HTTPS.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if r.TLS != nil {
			w.Header().Set("Strict-Transport-Security", "max-age=31536000")
		}
		h.ServeHTTP(w, r)
	})
}
