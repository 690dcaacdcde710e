package admission

import (
	"log/slog"
	"net/http"
	"runtime/debug"
)

// withRecovery answers 500 when the handler panics, so that the API
// server applies the failure policy (never an implicit allow) and the
// process keeps serving. The stack goes to the log; the panic value is
// not sent to the caller.
func withRecovery(log *slog.Logger, panics func(), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler { // the server's own way to drop a connection
				panic(p)
			}
			panics()
			log.Error("admission handler panicked", "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
			http.Error(w, "internal error while reviewing; see the webhook's log", http.StatusInternalServerError)
		}()
		next.ServeHTTP(w, r)
	})
}
