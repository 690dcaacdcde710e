package server

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/store"
	"github.com/bulwarksec/bulwark/internal/testbed"
	"github.com/bulwarksec/bulwark/internal/vulndb"
)

// withData imports vulndata's crates.io export into the fixture's
// database and returns its metadata.
func withData(t *testing.T, f *fixture) vulndb.Meta {
	t.Helper()
	zip := filepath.Join(testbed.Vulndata(t), "crates.io", "all.zip")
	if _, err := vulndb.ImportFiles(context.Background(), f.srv.opts.DBDir, []string{zip}); err != nil {
		t.Fatal(err)
	}
	c, err := f.srv.database()
	if err != nil {
		t.Fatal(err)
	}
	return c.db.Meta()
}

// TestStaleDataAlert: data older than DataStaleAfter raises one alert,
// not again on later checks; fresh data resolves it; a resolved alert of
// the same database is not raised again.
func TestStaleDataAlert(t *testing.T) {
	f := newFixture(t)
	f.srv.opts.DataStaleAfter = 48 * time.Hour
	m := withData(t, f)
	ctx := context.Background()
	steps := []struct {
		name   string
		age    time.Duration
		status string // of the one alert; "" for none
	}{
		{"fresh: no alert", time.Hour, ""},
		{"stale: raised", 72 * time.Hour, "active"},
		{"still stale: not raised twice", 73 * time.Hour, "active"},
		{"fresh again: resolved", time.Hour, "resolved"},
		{"stale again, same data: stays resolved", 80 * time.Hour, "resolved"},
	}
	for _, st := range steps {
		if err := f.srv.checkStale(ctx, m.Updated.Add(st.age)); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		as, n, err := f.st.ListAlerts(ctx, store.AlertFilter{Type: staleAlertType})
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case st.status == "" && n != 0:
			t.Fatalf("%s: alerts %+v", st.name, as)
		case st.status != "" && (n != 1 || as[0].Status != st.status || as[0].Count != 1 || as[0].Severity != "medium"):
			t.Fatalf("%s: alerts %+v, want one %s", st.name, as, st.status)
		}
	}
}

// TestOverviewDataAge: the overview says when the data was built and
// updated, how old it is, whether it is stale, and how it is refreshed.
func TestOverviewDataAge(t *testing.T) {
	f := newFixture(t)
	f.srv.opts.DataStaleAfter, f.srv.opts.DataRefresh = 48*time.Hour, 6*time.Hour
	m := withData(t, f)
	code, body := f.do(f.admin, "GET", "/api/v1/overview", "")
	if code != 200 {
		t.Fatalf("overview: %d %s", code, body)
	}
	var out struct{ Database dataStatusJSON }
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	d := out.Database
	if d.Updated == nil || !d.Updated.Equal(m.Updated) || d.Built == nil || d.AgeSeconds == nil || *d.AgeSeconds < 0 || *d.AgeSeconds > 60 ||
		d.Stale || d.StaleAfterSeconds != 48*3600 || d.Refresh.EverySeconds != 6*3600 || len(d.Sources) != 1 {
		t.Fatalf("database = %s", body)
	}
}

// TestStaleCountsFromLastCheck: data whose file is old but which a
// refresh found current (nothing new upstream) is not stale.
func TestStaleCountsFromLastCheck(t *testing.T) {
	f := newFixture(t)
	f.srv.opts.DataStaleAfter = 48 * time.Hour
	m := withData(t, f)
	ctx := context.Background()
	now := m.Updated.Add(72 * time.Hour)
	if err := f.st.SetSetting(ctx, settingCurrentAt, now.Add(-time.Hour).UTC().Format(time.RFC3339Nano)); err != nil {
		t.Fatal(err)
	}
	if err := f.srv.checkStale(ctx, now); err != nil {
		t.Fatal(err)
	}
	if _, n, _ := f.st.ListAlerts(ctx, store.AlertFilter{Type: staleAlertType}); n != 0 {
		t.Fatalf("%d stale alerts for data checked an hour ago", n)
	}
	d, err := f.srv.dataStatus(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if d.Stale || d.AgeSeconds == nil || *d.AgeSeconds != 3600 {
		t.Errorf("data status %+v: want not stale, an hour old", d)
	}
}
