package kube

import (
	"net/http"
	"strings"
)

// okTransport tells, for each successful list or watch request, which
// inventoried resource it read. client-go calls the watch error handler
// when a reflector fails but says nothing when it recovers; a 2xx answer to
// its next list or watch is that news.
type okTransport struct {
	next http.RoundTripper
	ok   func(resource string)
}

func (t okTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err == nil && req.Method == http.MethodGet && resp.StatusCode < 300 {
		if r, found := resourceOfPath(req.URL.Path); found {
			t.ok(r)
		}
	}
	return resp, err
}

// resourceOfPath finds the inventoried resource a collection path reads:
// /api/v1/pods, /apis/apps/v1/namespaces/x/deployments.
func resourceOfPath(path string) (string, bool) {
	last := path[strings.LastIndexByte(path, '/')+1:]
	r, ok := resourceByName(last)
	if !ok || !strings.Contains(path, "/"+r.Version+"/") {
		return "", false
	}
	if r.Group != "" && !strings.Contains(path, "/apis/"+r.Group+"/") {
		return "", false
	}
	return r.Name, true
}
