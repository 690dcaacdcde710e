package kube

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/rest"
)

// oddNamespace and oddPod carry fields no version of client-go knows,
// as a newer API server would send them.
const (
	oddNamespace = `{"metadata":{"name":"odd","uid":"ns-1","futureMeta":{"a":1}},"spec":{"newThing":true},"status":{"phase":"Active","quantum":"yes"}}`
	oddPod       = `{"metadata":{"name":"p","namespace":"odd","uid":"pod-1"},"spec":{"containers":[{"name":"c","image":"x:1","sandboxClass":"gvisor"}],"newPolicy":{}},` +
		`"status":{"phase":"Running","containerStatuses":[{"name":"c","imageID":"docker.io/library/x@` + digestA + `","extra":[1,2]}]}}`
)

// fakeAPI answers the watcher's lists with the odd objects and holds its
// watches open; it refuses the streaming "watch-list" so that client-go
// falls back to a plain list, as it does with older servers. It closes
// when the test ends, after the watchers started later have stopped
// (Close waits for the open watches).
func fakeAPI(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/version":
			fmt.Fprint(w, `{"gitVersion":"v1.99.0-fake"}`)
		case q.Get("sendInitialEvents") == "true":
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","code":400,"reason":"BadRequest"}`)
		case q.Get("watch") == "true":
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		default:
			writeList(w, r.URL.Path)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// writeList answers a list of any inventoried resource.
func writeList(w http.ResponseWriter, path string) {
	name, _ := resourceOfPath(path)
	res, _ := resourceByName(name)
	items := map[string]string{"namespaces": oddNamespace, "pods": oddPod}[name]
	apiVersion := strings.TrimPrefix(res.Group+"/"+res.Version, "/")
	fmt.Fprintf(w, `{"apiVersion":%q,"kind":"%sList","metadata":{"resourceVersion":"7","futureList":1},"items":[%s]}`, apiVersion, res.Kind, items)
}

// TestWatchUnknownFields: objects with fields the client does not know
// are inventoried, and the watch stays connected.
func TestWatchUnknownFields(t *testing.T) {
	srv := fakeAPI(t)
	w := startWatcher(t, &rest.Config{Host: srv.URL})
	snap := waitFor(t, w, 20*time.Second, "connected with the odd objects", func(s Snapshot) bool {
		return s.Cluster.State == StateConnected && len(s.Images) == 1 && s.Cluster.ServerVersion != ""
	})
	if !slices.ContainsFunc(snap.Namespaces, func(n Namespace) bool { return n.Name == "odd" && n.Phase == "Active" }) {
		t.Errorf("namespaces = %+v", snap.Namespaces)
	}
	if got := snap.Images[0].String(); got != "docker.io/library/x@"+digestA {
		t.Errorf("image = %s", got)
	}
}
