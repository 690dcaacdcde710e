package vulndb

import (
	"reflect"
	"testing"
)

// FuzzOSV: any bytes give a record or an error naming the input, never a
// panic; every range kept has events with exactly one field each.
func FuzzOSV(f *testing.F) {
	f.Add([]byte(`{"id":"GO-1","affected":[{"package":{"ecosystem":"Go","name":"m"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2.3"}]}]}]}`))
	f.Add([]byte(`{"id":"X","withdrawn":"2024-01-01T00:00:00Z","severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N"}]}`))
	f.Add([]byte(`{"id":"D","affected":[{"package":{"ecosystem":"Debian:12","name":"p"},"ecosystem_specific":{"urgency":"unimportant"},"versions":["1"]}]}`))
	f.Add([]byte(`{"id":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := ParseOSV(b, "fuzz.json")
		if err != nil {
			return
		}
		if a.ID == "" {
			t.Fatal("record without ID accepted")
		}
		for _, af := range a.Affected {
			if err := validRanges(af.Ranges); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func validRanges(rs []Range) error {
	for _, r := range rs {
		if err := checkEvents(r.Events); err != nil {
			return err
		}
	}
	return nil
}

// FuzzEntryCodec: stored entries decode to what was encoded, and any
// other bytes give an error, never a panic or a huge allocation.
func FuzzEntryCodec(f *testing.F) {
	f.Add(encodeEntries([]Entry{{ID: "A", Ecosystem: "Go", Name: "m", Ranges: []Range{{Type: "SEMVER", Events: []Event{{Introduced: "0"}, {Fixed: "1"}}}},
		Severity: []Severity{{Type: "label", Score: "high", Source: "debian"}}, OS: []string{"windows"}}}))
	f.Add([]byte{1, 0})
	f.Add([]byte{1, 200, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		es, err := decodeEntries(b)
		if err != nil {
			return
		}
		again, err := decodeEntries(encodeEntries(es))
		if err != nil {
			t.Fatalf("re-encoded entries do not decode: %v", err)
		}
		if len(es) > 0 && !reflect.DeepEqual(again, es) {
			t.Fatalf("round trip changed entries:\n%+v\n%+v", es, again)
		}
	})
}

func TestEntryCodecRoundTrip(t *testing.T) {
	in := []Entry{
		{ID: "DSA-1-1", Ecosystem: "Debian:11", Name: "openssl", Status: "no-dsa",
			Ranges:   []Range{{Type: "ECOSYSTEM", Events: []Event{{Introduced: "0"}, {Fixed: "1.1.1n-0+deb11u4"}}}},
			Severity: []Severity{{Type: "label", Score: "unimportant", Source: "debian"}}},
		{ID: "GO-2", Ecosystem: "Go", Name: "golang.org/x/crypto", OS: []string{"windows", "plan9"},
			Ranges: []Range{{Type: "SEMVER", Events: []Event{{Introduced: "0"}, {LastAffected: "0.1.0"}, {Introduced: "0.2.0"}, {Limit: "0.3.0"}}}}},
		{ID: "PYSEC-3", Ecosystem: "PyPI", Name: "x", Versions: []string{"1.0", "1.0.1"}},
	}
	out, err := decodeEntries(encodeEntries(in))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("round trip:\n%+v\n%+v", in, out)
	}
	for _, bad := range [][]byte{nil, {2}, {1}, {1, 1}, {1, 1, 5, 'a'}, append(encodeEntries(in), 0)} {
		if _, err := decodeEntries(bad); err == nil {
			t.Errorf("decodeEntries(%v) accepted corrupt input", bad)
		}
	}
}
