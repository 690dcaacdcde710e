package store

import (
	"crypto/sha256"
	"testing"
	"time"
)

func testTokens(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	clk := withClock(s)
	h1, h2 := sha256.Sum256([]byte("secret-1")), sha256.Sum256([]byte("secret-2"))
	admin := &Token{Name: "ci", Role: "admin", Hash: h1[:]}
	reader := &Token{Name: "dashboard", Role: "reader", Hash: h2[:]}
	must(t, s.CreateToken(ctx, admin))
	must(t, s.CreateToken(ctx, reader))
	if admin.ID == 0 || admin.ID == reader.ID || !admin.CreatedAt.Equal(t0) {
		t.Fatalf("CreateToken set ID %d, %d, CreatedAt %v", admin.ID, reader.ID, admin.CreatedAt)
	}
	wantErr(t, "CreateToken with a taken hash", s.CreateToken(ctx, &Token{Name: "dup", Role: "reader", Hash: h1[:]}), ErrConflict)
	if n, err := s.CountTokens(ctx); err != nil || n != 2 {
		t.Errorf("CountTokens = %d, %v; want 2", n, err)
	}

	// LastUsed is written on first use, then at most once a minute.
	steps := []struct {
		advance  time.Duration
		wantUsed time.Duration // since t0, as stored
	}{
		{0, 0},
		{30 * time.Second, 0},
		{31 * time.Second, 61 * time.Second},
		{59 * time.Second, 61 * time.Second},
		{time.Minute, 180 * time.Second},
	}
	for i, st := range steps {
		clk.Add(st.advance)
		tok, err := s.TokenByHash(ctx, h1[:])
		must(t, err)
		if tok.ID != admin.ID || tok.Role != "admin" || tok.Name != "ci" {
			t.Fatalf("TokenByHash = %+v", tok)
		}
		list, err := s.Tokens(ctx)
		must(t, err)
		if stored := list[0].LastUsed; !stored.Equal(t0.Add(st.wantUsed)) {
			t.Errorf("step %d: stored LastUsed %v, want %v", i, stored, t0.Add(st.wantUsed))
		}
	}
	unknown := sha256.Sum256([]byte("nope"))
	_, err := s.TokenByHash(ctx, unknown[:])
	wantErr(t, "TokenByHash(unknown)", err, ErrNotFound)

	list, err := s.Tokens(ctx)
	must(t, err)
	if len(list) != 2 || list[1].Name != "dashboard" || string(list[1].Hash) != string(h2[:]) || !list[1].LastUsed.IsZero() {
		t.Errorf("Tokens = %+v", list)
	}
	// The last admin stays (a reader cannot manage the server); an expired
	// admin does not count as another one.
	wantErr(t, "DeleteToken of the last admin", s.DeleteToken(ctx, admin.ID), ErrLastAdmin)
	h3, h4 := sha256.Sum256([]byte("secret-3")), sha256.Sum256([]byte("secret-4"))
	expired := &Token{Name: "old", Role: "admin", Hash: h3[:], ExpiresAt: clk.Now().Add(-time.Second)}
	must(t, s.CreateToken(ctx, expired))
	wantErr(t, "DeleteToken of the last unexpired admin", s.DeleteToken(ctx, admin.ID), ErrLastAdmin)
	ingest := &Token{Name: "reg", Role: "ingest", Hash: h4[:], RegistryID: 7, ExpiresAt: t0.Add(48 * time.Hour)}
	must(t, s.CreateToken(ctx, ingest))
	if got, err := s.TokenByHash(ctx, h4[:]); err != nil || got.RegistryID != 7 || !got.ExpiresAt.Equal(t0.Add(48*time.Hour)) {
		t.Errorf("TokenByHash(ingest) = %+v, %v; want registry 7 and its expiry", got, err)
	}
	must(t, s.DeleteToken(ctx, expired.ID))
	must(t, s.DeleteToken(ctx, ingest.ID))
	second := &Token{Name: "second", Role: "admin", Hash: h3[:]}
	must(t, s.CreateToken(ctx, second))
	must(t, s.DeleteToken(ctx, admin.ID))
	wantErr(t, "DeleteToken twice", s.DeleteToken(ctx, admin.ID), ErrNotFound)
	wantErr(t, "DeleteToken of the admin left", s.DeleteToken(ctx, second.ID), ErrLastAdmin)
	_, err = s.TokenByHash(ctx, h1[:])
	wantErr(t, "TokenByHash of a deleted token", err, ErrNotFound)
	if n, _ := s.CountTokens(ctx); n != 2 {
		t.Errorf("CountTokens after the deletes = %d, want 2 (the reader and the admin left)", n)
	}
}

func testExemptions(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	es := []*Exemption{
		{Rule: "IMG-001", Resource: "image:sha256:abc", Reason: "accepted risk", Expires: t0.Add(30 * 24 * time.Hour), CreatedBy: "alice"},
		{Reason: "everything, for now"},
	}
	for _, e := range es {
		must(t, s.CreateExemption(ctx, e))
		if e.ID == 0 || !e.CreatedAt.Equal(t0) {
			t.Fatalf("CreateExemption set %+v", e)
		}
	}
	got, err := s.Exemptions(ctx)
	must(t, err)
	deepEqual(t, "Exemptions", got, []Exemption{*es[0], *es[1]})
	must(t, s.DeleteExemption(ctx, es[0].ID))
	wantErr(t, "DeleteExemption twice", s.DeleteExemption(ctx, es[0].ID), ErrNotFound)
	got, _ = s.Exemptions(ctx)
	deepEqual(t, "Exemptions after a delete", got, []Exemption{*es[1]})
}

func testFindingRules(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	rs := []*FindingRule{
		{VulnID: "CVE-2024-1", Reason: "not reachable"},
		{MaxSeverity: "low", Reason: "noise"},
	}
	for _, r := range rs {
		must(t, s.CreateFindingRule(ctx, r))
		if r.ID == 0 || !r.CreatedAt.Equal(t0) {
			t.Fatalf("CreateFindingRule set %+v", r)
		}
	}
	got, err := s.FindingRules(ctx)
	must(t, err)
	deepEqual(t, "FindingRules", got, []FindingRule{*rs[0], *rs[1]})
	must(t, s.DeleteFindingRule(ctx, rs[1].ID))
	wantErr(t, "DeleteFindingRule twice", s.DeleteFindingRule(ctx, rs[1].ID), ErrNotFound)
	got, _ = s.FindingRules(ctx)
	deepEqual(t, "FindingRules after a delete", got, []FindingRule{*rs[0]})
}

func testSettings(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	steps := []struct{ key, set, want string }{
		{"install.id", "", ""},
		{"install.id", "abc", "abc"},
		{"install.id", "def", "def"},
		{"vulndb.updated", "2025-03-04T00:00:00Z", "2025-03-04T00:00:00Z"},
		{"install.id", "", "def"},
	}
	for i, st := range steps {
		if st.set != "" {
			must(t, s.SetSetting(ctx, st.key, st.set))
		}
		got, err := s.Setting(ctx, st.key)
		must(t, err)
		if got != st.want {
			t.Errorf("step %d: Setting(%q) = %q, want %q", i, st.key, got, st.want)
		}
	}
}
