package store

import (
	"testing"
	"time"
)

func testSaveEvents(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	reg := mkRegistry(t, s, "r")
	t1, t2 := t0.Add(time.Minute), t0.Add(2*time.Minute)
	push := Event{EventID: "e1", Source: "distribution", Action: "push", RegistryID: reg.ID, Repository: "app", Digest: "sha256:a", Tag: "v1", At: t0}
	steps := []struct {
		name     string
		evs      []Event
		wantJobs int
		wantImgs int // images not deleted
		check    func(im *Image) string
	}{
		{"push", []Event{push}, 1, 1, func(im *Image) string {
			if !im.PushedAt.Equal(t0) || len(im.Tags) != 1 {
				return "push did not record PushedAt and the tag"
			}
			return ""
		}},
		{"redelivery", []Event{push}, 0, 1, nil},
		{"second tag while the scan is pending", []Event{{EventID: "e2", Action: "push", RegistryID: reg.ID, Repository: "app", Digest: "sha256:a", Tag: "latest", At: t1}}, 0, 1,
			func(im *Image) string {
				if len(im.Tags) != 2 || !im.PushedAt.Equal(t1) {
					return "second push did not add its tag"
				}
				return ""
			}},
		{"pull", []Event{{EventID: "e3", Action: "pull", RegistryID: reg.ID, Repository: "app", Digest: "sha256:a", At: t2}}, 0, 1,
			func(im *Image) string {
				if !im.PulledAt.Equal(t2) {
					return "pull did not record PulledAt"
				}
				return ""
			}},
		{"push without ID, twice", []Event{
			{Action: "push", RegistryID: reg.ID, Repository: "web", Digest: "sha256:b", At: t2},
			{Action: "push", RegistryID: reg.ID, Repository: "web", Digest: "sha256:b", At: t2},
		}, 1, 2, nil},
		// A delete notification is a claim: a job confirms it with the
		// registry; until then the views are unchanged.
		{"delete a tag", []Event{{EventID: "e4", Action: "delete", RegistryID: reg.ID, Repository: "app", Tag: "latest", At: t2}}, 1, 2,
			func(im *Image) string {
				if len(im.Tags) != 2 {
					return "an unconfirmed tag delete changed tags to " + encodeList(im.Tags)
				}
				if err := s.ApplyDelete(ctx, DeleteClaim{RegistryID: reg.ID, Repository: "app", Tag: "latest"}); err != nil {
					return err.Error()
				}
				if im := getImage(t, s, im.ID); len(im.Tags) != 1 || im.Tags[0] != "v1" {
					return "confirmed tag delete left tags " + encodeList(im.Tags)
				}
				return ""
			}},
		{"delete the manifest", []Event{{EventID: "e5", Action: "delete", RegistryID: reg.ID, Repository: "app", Digest: "sha256:a", At: t2}}, 1, 2,
			func(im *Image) string {
				if im.Deleted {
					return "an unconfirmed manifest delete marked the image deleted"
				}
				if err := s.ApplyDelete(ctx, DeleteClaim{RegistryID: reg.ID, Repository: "app", Digest: "sha256:a"}); err != nil {
					return err.Error()
				}
				if !getImage(t, s, im.ID).Deleted {
					return "confirmed manifest delete did not mark the image deleted"
				}
				return ""
			}},
		{"push brings it back", []Event{{EventID: "e6", Action: "push", RegistryID: reg.ID, Repository: "app", Digest: "sha256:a", At: t2}}, 0, 2,
			func(im *Image) string {
				if im.Deleted {
					return "a push did not undelete the image"
				}
				return ""
			}},
	}
	var appID int64
	for _, st := range steps {
		jobs, err := s.SaveEvents(ctx, st.evs)
		must(t, err)
		if len(jobs) != st.wantJobs {
			t.Errorf("%s: %d jobs enqueued, want %d", st.name, len(jobs), st.wantJobs)
		}
		if _, n, _ := s.ListImages(ctx, ImageFilter{}); n != st.wantImgs {
			t.Errorf("%s: %d images, want %d", st.name, n, st.wantImgs)
		}
		items, _, _ := s.ListImages(ctx, ImageFilter{Repository: "app", IncludeDeleted: true})
		if len(items) == 1 {
			appID = items[0].ID
		}
		if st.check != nil {
			if msg := st.check(getImage(t, s, appID)); msg != "" {
				t.Errorf("%s: %s", st.name, msg)
			}
		}
	}
	if n := count(t, s, "SELECT COUNT(*) FROM events"); n != 7 {
		t.Errorf("%d events stored, want 7 (a redelivery and a derived twin are not stored)", n)
	}
	// The scan job of app is still pending, so the last push queued none.
	if n := count(t, s, "SELECT COUNT(*) FROM jobs WHERE kind = 'scan'"); n != 2 {
		t.Errorf("%d scan jobs, want 2", n)
	}
	if n, err := s.PendingScans(ctx, reg.ID); err != nil || n != 2 {
		t.Errorf("PendingScans = %d, %v; want 2", n, err)
	}
	if n := count(t, s, "SELECT COUNT(*) FROM jobs WHERE kind = '"+JobConfirmDelete+"'"); n != 2 {
		t.Errorf("%d confirm-delete jobs, want 2", n)
	}
}

// testSaveEventsAtomic sends a batch whose last event cannot be stored and
// checks that the earlier ones left nothing behind.
func testSaveEventsAtomic(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	reg := mkRegistry(t, s, "r")
	evs := []Event{
		{EventID: "ok1", Action: "push", RegistryID: reg.ID, Repository: "app", Digest: "sha256:a", Tag: "v1", At: t0},
		{EventID: "ok2", Action: "pull", RegistryID: reg.ID, Repository: "app", Digest: "sha256:b", At: t0},
		{EventID: "bad", Action: "push", RegistryID: reg.ID + 100, Repository: "app", Digest: "sha256:c", At: t0},
	}
	if _, err := s.SaveEvents(ctx, evs); err == nil {
		t.Fatal("SaveEvents with an event of a missing registry succeeded")
	}
	for _, table := range []string{"events", "images", "jobs"} {
		if n := count(t, s, "SELECT COUNT(*) FROM "+table); n != 0 {
			t.Errorf("%d rows in %s after a failed SaveEvents, want 0", n, table)
		}
	}
	// The good events alone go through, once.
	for range 2 {
		_, err := s.SaveEvents(ctx, evs[:2])
		must(t, err)
	}
	if n := count(t, s, "SELECT COUNT(*) FROM images"); n != 2 {
		t.Errorf("%d images, want 2", n)
	}
}
