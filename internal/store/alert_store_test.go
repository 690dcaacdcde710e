package store

import (
	"testing"
	"time"
)

func testAlerts(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	a := &Alert{Fingerprint: "fp1", Type: "K8S_PrivilegedContainer", Title: "Privileged container", Severity: "high",
		Tactics: []string{"PrivilegeEscalation"}, Entities: map[string]string{"namespace": "default", "workload": "web"},
		Evidence: []byte(`[{"verb":"create"}]`), Remediation: "drop privileged", FirstSeen: t0, LastSeen: t0}
	created, err := s.UpsertAlert(ctx, a)
	must(t, err)
	if !created || a.ID == 0 || a.Count != 1 || a.Status != "active" {
		t.Fatalf("first UpsertAlert: created %v, %+v", created, a)
	}
	got, err := s.Alert(ctx, a.ID)
	must(t, err)
	deepEqual(t, "Alert", got, a)

	steps := []struct {
		at          time.Time
		wantCount   int
		wantLast    time.Time
		wantCreated bool
	}{
		{t0.Add(time.Minute), 2, t0.Add(time.Minute), false},
		{t0.Add(30 * time.Second), 3, t0.Add(time.Minute), false}, // late arrival: LastSeen stays
	}
	for i, st := range steps {
		rep := &Alert{Fingerprint: "fp1", Type: a.Type, Title: "changed", FirstSeen: st.at, LastSeen: st.at}
		created, err := s.UpsertAlert(ctx, rep)
		must(t, err)
		if created != st.wantCreated || rep.ID != a.ID || rep.Count != st.wantCount || !rep.LastSeen.Equal(st.wantLast) || !rep.FirstSeen.Equal(t0) {
			t.Errorf("repeat %d: created %v, %+v", i, created, rep)
		}
	}
	got, _ = s.Alert(ctx, a.ID)
	if got.Count != 3 || got.Title != a.Title || !got.LastSeen.Equal(t0.Add(time.Minute)) {
		t.Errorf("after repeats: %+v", got)
	}

	// Once resolved, the same fingerprint opens a new alert.
	must(t, s.SetAlertStatus(ctx, a.ID, "resolved"))
	b := &Alert{Fingerprint: "fp1", Type: a.Type, FirstSeen: t0.Add(time.Hour), LastSeen: t0.Add(time.Hour)}
	created, err = s.UpsertAlert(ctx, b)
	must(t, err)
	if !created || b.ID == a.ID || b.Count != 1 {
		t.Errorf("UpsertAlert after resolve: created %v, %+v", created, b)
	}
	wantErr(t, "reactivating a second active alert for fp1", s.SetAlertStatus(ctx, a.ID, "active"), ErrConflict)
	must(t, s.SetAlertStatus(ctx, b.ID, "dismissed"))
	must(t, s.SetAlertStatus(ctx, a.ID, "active"))
	if err := s.SetAlertStatus(ctx, a.ID, "closed"); err == nil {
		t.Error("SetAlertStatus accepted \"closed\"")
	}
	wantErr(t, "SetAlertStatus(missing)", s.SetAlertStatus(ctx, 9999, "resolved"), ErrNotFound)
	_, err = s.Alert(ctx, 9999)
	wantErr(t, "Alert(missing)", err, ErrNotFound)

	// No entities and no times: stored as none and now.
	c := &Alert{Fingerprint: "fp2", Type: "IMAGE_Unhealthy"}
	_, err = s.UpsertAlert(ctx, c)
	must(t, err)
	got, _ = s.Alert(ctx, c.ID)
	if got.Entities != nil || got.Evidence != nil || !got.FirstSeen.Equal(t0) || !got.LastSeen.Equal(t0) {
		t.Errorf("bare alert reads back %+v", got)
	}
}

func testListAlerts(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	type spec struct {
		fp, typ, sev, status string
		minute               int
	}
	specs := []spec{
		{"a", "K8S_Priv", "high", "active", 5},
		{"b", "K8S_Priv", "medium", "resolved", 9},
		{"c", "IMAGE_Unhealthy", "high", "active", 1},
		{"d", "IMAGE_Unhealthy", "low", "dismissed", 7},
		{"e", "K8S_Exec", "high", "active", 3},
	}
	ids := map[string]int64{}
	for _, sp := range specs {
		at := t0.Add(time.Duration(sp.minute) * time.Minute)
		a := &Alert{Fingerprint: sp.fp, Type: sp.typ, Severity: sp.sev, FirstSeen: at, LastSeen: at}
		_, err := s.UpsertAlert(ctx, a)
		must(t, err)
		if sp.status != "active" {
			must(t, s.SetAlertStatus(ctx, a.ID, sp.status))
		}
		ids[sp.fp] = a.ID
	}
	tests := []struct {
		f         AlertFilter
		want      []string
		wantTotal int
	}{
		{AlertFilter{}, []string{"b", "d", "a", "e", "c"}, 5},
		{AlertFilter{Status: "active"}, []string{"a", "e", "c"}, 3},
		{AlertFilter{Severity: "high", Status: "active"}, []string{"a", "e", "c"}, 3},
		{AlertFilter{Type: "IMAGE_Unhealthy"}, []string{"d", "c"}, 2},
		{AlertFilter{Type: "K8S_Priv", Severity: "medium"}, []string{"b"}, 1},
		{AlertFilter{Limit: 2, Offset: 1}, []string{"d", "a"}, 5},
		{AlertFilter{Status: "none"}, nil, 0},
	}
	for _, tt := range tests {
		got, total, err := s.ListAlerts(ctx, tt.f)
		must(t, err)
		var fps []string
		for _, a := range got {
			fps = append(fps, a.Fingerprint)
		}
		if total != tt.wantTotal {
			t.Errorf("ListAlerts(%+v) total = %d, want %d", tt.f, total, tt.wantTotal)
		}
		deepEqual(t, "ListAlerts", fps, tt.want)
	}
}
