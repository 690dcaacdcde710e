package admission

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
)

// DefaultMaxBody bounds a review's body: the API server itself refuses
// request bodies over 3 MiB, so a review (the object and, for an update,
// the old object) stays near that; a little more leaves room for both.
const DefaultMaxBody = 7 << 20

// withBodyLimit refuses a body over max with 413: at once when its
// Content-Length says so, else when reading passes the bound.
func withBodyLimit(max int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			http.Error(w, tooLarge(max), http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, max)
		next.ServeHTTP(w, r)
	})
}

// readBody reads the whole body, telling a body over the bound (413) from
// other read errors (400).
func readBody(r *http.Request) ([]byte, int, error) {
	var buf bytes.Buffer
	if r.ContentLength > 0 {
		// One allocation of the right size instead of ReadAll's doublings
		// (the bound was checked before).
		buf.Grow(int(r.ContentLength) + 1)
	}
	_, err := buf.ReadFrom(r.Body)
	body := buf.Bytes()
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return nil, http.StatusRequestEntityTooLarge, errors.New(tooLarge(mbe.Limit))
	case err != nil:
		return nil, http.StatusBadRequest, fmt.Errorf("read body: %w", err)
	}
	return body, 0, nil
}

func tooLarge(max int64) string {
	return fmt.Sprintf("AdmissionReview larger than %d bytes", max)
}
