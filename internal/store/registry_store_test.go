package store

import (
	"testing"
	"time"
)

func testRegistries(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	a := &Registry{Name: "local", URL: "http://127.0.0.1:5099", Host: "127.0.0.1:5099", Insecure: true}
	b := &Registry{Name: "corp", URL: "https://registry.example.com", Host: "registry.example.com", Username: "ci", Secret: []byte{0, 1, 2, 0xff}}
	must(t, s.CreateRegistry(ctx, a))
	must(t, s.CreateRegistry(ctx, b))
	if a.ID == 0 || b.ID == 0 || a.ID == b.ID || !a.CreatedAt.Equal(t0) {
		t.Fatalf("CreateRegistry set ID %d, %d and CreatedAt %v", a.ID, b.ID, a.CreatedAt)
	}
	conflicts := []Registry{
		{Name: "local", URL: "http://x", Host: "x:1"},
		{Name: "other", URL: "http://x", Host: "registry.example.com"},
	}
	for _, r := range conflicts {
		wantErr(t, "CreateRegistry("+r.Name+", "+r.Host+")", s.CreateRegistry(ctx, &r), ErrConflict)
	}

	got, err := s.Registries(ctx)
	must(t, err)
	deepEqual(t, "Registries", got, []Registry{*a, *b})
	if got[0].Secret != nil {
		t.Errorf("a registry without a secret reads back Secret %v, want nil", got[0].Secret)
	}
	for _, want := range []*Registry{a, b} {
		r, err := s.Registry(ctx, want.ID)
		must(t, err)
		deepEqual(t, "Registry", r, want)
		r, err = s.RegistryByHost(ctx, want.Host)
		must(t, err)
		deepEqual(t, "RegistryByHost", r, want)
	}
	_, err = s.Registry(ctx, 999)
	wantErr(t, "Registry(999)", err, ErrNotFound)
	_, err = s.RegistryByHost(ctx, "nowhere:1")
	wantErr(t, "RegistryByHost(nowhere)", err, ErrNotFound)

	synced := t0.Add(time.Hour)
	must(t, s.SetRegistrySync(ctx, b.ID, synced, "401 unauthorized"))
	r, err := s.Registry(ctx, b.ID)
	must(t, err)
	if !r.SyncedAt.Equal(synced) || r.SyncError != "401 unauthorized" || r.SyncedAt.Location() != time.UTC {
		t.Errorf("after SetRegistrySync: SyncedAt %v, SyncError %q", r.SyncedAt, r.SyncError)
	}
	wantErr(t, "SetRegistrySync(999)", s.SetRegistrySync(ctx, 999, synced, ""), ErrNotFound)
	wantErr(t, "DeleteRegistry(999)", s.DeleteRegistry(ctx, 999), ErrNotFound)
	must(t, s.DeleteRegistry(ctx, a.ID))
	_, err = s.Registry(ctx, a.ID)
	wantErr(t, "Registry after delete", err, ErrNotFound)
	// The name and host are free again.
	must(t, s.CreateRegistry(ctx, &Registry{Name: "local", URL: "http://127.0.0.1:5099", Host: "127.0.0.1:5099"}))
}

// testDeleteRegistryCascades deletes a registry and checks that its
// images, their scans, findings and jobs, its events and its sync
// jobs went with it, and nothing of the other registry did.
func testDeleteRegistryCascades(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	regs := []*Registry{mkRegistry(t, s, "gone"), mkRegistry(t, s, "kept")}
	for _, r := range regs {
		id := mkImage(t, s, r.ID, "app", "sha256:1", "v1", t0)
		must(t, s.SaveScan(ctx, ScanResult{ImageID: id, Findings: vulnFindings(Vulnerability{VulnID: "CVE-1", Package: "p"}), SBOM: []byte("s")}, 0))
		_, err := s.Enqueue(ctx, Job{Kind: "rematch", ImageID: id})
		must(t, err)
		_, err = s.Enqueue(ctx, Job{Kind: "sync", Ref: itoa(r.ID)})
		must(t, err)
		_, err = s.SaveEvents(ctx, []Event{{EventID: "e-" + r.Name, Action: "push", RegistryID: r.ID, Repository: "app", Digest: "sha256:2", At: t0}})
		must(t, err)
	}
	must(t, s.DeleteRegistry(ctx, regs[0].ID))
	checks := []struct{ query string }{
		{"SELECT COUNT(*) FROM images"},
		{"SELECT COUNT(*) FROM scans"},
		{"SELECT COUNT(*) FROM findings"},
		{"SELECT COUNT(*) FROM events"},
		{"SELECT COUNT(*) FROM jobs WHERE kind = 'sync'"},
		{"SELECT COUNT(*) FROM jobs WHERE kind <> 'sync'"},
	}
	want := []int{2, 1, 1, 1, 1, 2} // what the kept registry has
	for i, c := range checks {
		if n := count(t, s, c.query); n != want[i] {
			t.Errorf("%s = %d after deleting a registry, want %d", c.query, n, want[i])
		}
	}
}
