package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

// FuzzRegistryEvents: any notification body gives events or an error,
// never a panic; every event kept is a push or pull of a manifest with a
// digest, or a delete by digest or tag, with a repository; and what the
// grammar check accepts holds no path or URL tricks.
func FuzzRegistryEvents(f *testing.F) {
	for _, name := range []string{"sample-push-event.json", "sample-pull-event.json"} {
		if p := testbed.SharedPath("testbed", "registry", name); p != "" {
			if b, err := os.ReadFile(filepath.Clean(p)); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte(`{"events":[{"action":"push","target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:1","repository":"a","url":"http://[::1"}}]}`))
	f.Add([]byte(`{"events":[{"id":"x","action":"delete","target":{"repository":"a/b","tag":"v1"}}]}`))
	f.Add([]byte(`{"type":"PUSH_ARTIFACT","occur_at":-1,"event_data":{"resources":[{"digest":"sha256:1","resource_url":""}]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		now := time.Now()
		check := func(evs []registryEvent) {
			for i, e := range evs {
				if (e.Digest == "" && (e.Action != "delete" || e.Tag == "")) || e.ID == "" || !strings.Contains("push pull delete", e.Action) || e.Action == "" {
					t.Fatalf("bad event kept: %+v", e)
				}
				// What the grammar check lets through is safe to store and
				// to put in a registry URL.
				if checkEvent(i, e, now) == nil && (strings.Contains(e.Repository, "..") || strings.ContainsAny(e.Repository+e.Tag+e.Digest, "?#%\\ \n") ||
					strings.HasPrefix(e.Repository, "/") || e.Repository != strings.ToLower(e.Repository)) {
					t.Fatalf("the grammar check accepted %+v", e)
				}
			}
		}
		if evs, err := parseDistribution(b); err == nil {
			check(evs)
			for _, e := range evs {
				if e.Repository == "" {
					t.Fatalf("event without a repository: %+v", e)
				}
			}
		}
		if evs, _, err := parseHarbor(b); err == nil {
			check(evs)
			for _, e := range evs {
				if e.Repository == "" {
					t.Fatalf("Harbor event without a repository: %+v", e)
				}
			}
		}
	})
}
