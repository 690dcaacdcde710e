package vulndb

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

func TestSourcesFeeds(t *testing.T) {
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name    string
		s       Sources
		want    []string // names, then the last URL
		wantErr string
	}{
		{"OSV only by default", Sources{Ecosystems: []string{"Go"}}, []string{"osv:Go", DefaultFeedBase + "/Go/all.zip"}, ""},
		{"NVD years to this one", Sources{Ecosystems: []string{}, NVD: true, NVDFrom: 2025, NVDBase: "http://m/nvd/"},
			[]string{"nvd:2025", "nvd:2026", "http://m/nvd/nvdcve-2.0-2026.json.gz"}, ""},
		{"NVD from the first year", Sources{Ecosystems: []string{}, NVD: true}, nil, ""},
		{"NVD from a future year", Sources{NVD: true, NVDFrom: 2030}, nil, "2030"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs, err := c.s.Feeds(now)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want one naming %s", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.want == nil {
				if len(fs) != 2026-2002+1 || fs[0].URL != DefaultNVDBase+"/nvdcve-2.0-2002.json.gz" {
					t.Fatalf("feeds = %+v", fs)
				}
				return
			}
			var got []string
			for _, f := range fs {
				got = append(got, f.Name)
			}
			got = append(got, fs[len(fs)-1].URL)
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Fatalf("feeds = %v, want %v", got, c.want)
			}
		})
	}
}

// nvdFeedGz is NVD's 2.0 feed layout around the real record of
// CVE-2021-44906, gzip-compressed as NVD serves it.
func nvdFeedGz(t *testing.T) []byte {
	t.Helper()
	rec := mustRead(t, filepath.Join(testbed.Vulndata(t), "nvd", "CVE-2021-44906.json"))
	var doc bytes.Buffer
	doc.WriteString(`{"resultsPerPage":1,"startIndex":0,"totalResults":1,"format":"NVD_CVE","version":"2.0","vulnerabilities":[{"cve":`)
	doc.Write(rec)
	doc.WriteString(`}]}`)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(doc.Bytes())
	zw.Close()
	return gz.Bytes()
}

// TestUpdateNVDFeeds: `db update --nvd` reads NVD's yearly gzip feeds from
// a mirror; the CVE record lands with its ratings, and a feed that is not
// gzip fails naming its URL and leaves the database as it was.
func TestUpdateNVDFeeds(t *testing.T) {
	body := nvdFeedGz(t)
	garbage := false
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case garbage:
			w.Write([]byte("<html>maintenance</html>"))
		case r.URL.Path == "/nvd/nvdcve-2.0-2021.json.gz":
			w.Write(body)
		default:
			w.Write(emptyNVDFeedGz(t))
		}
	}))
	defer hs.Close()
	dir := t.TempDir()
	feeds, err := Sources{Ecosystems: []string{}, NVD: true, NVDFrom: 2021, NVDBase: hs.URL + "/nvd"}.Feeds(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	res, err := Update(context.Background(), dir, UpdateOptions{Feeds: feeds})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Name != "nvd:2021" || res[0].Import.Records != 1 {
		t.Fatalf("results = %+v", res)
	}
	assertCVERated(t, dir)

	garbage = true
	_, err = Update(context.Background(), dir, UpdateOptions{Feeds: feeds})
	if err == nil || !strings.Contains(err.Error(), hs.URL+"/nvd/nvdcve-2.0-2021.json.gz") || !strings.Contains(err.Error(), "unchanged") {
		t.Fatalf("garbage feed: err = %v", err)
	}
	assertCVERated(t, dir)
}

func emptyNVDFeedGz(t *testing.T) []byte {
	t.Helper()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(`{"resultsPerPage":0,"startIndex":0,"totalResults":0,"format":"NVD_CVE","version":"2.0","vulnerabilities":[]}`))
	zw.Close()
	return gz.Bytes()
}

func assertCVERated(t *testing.T, dir string) {
	t.Helper()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a, err := db.Advisory("CVE-2021-44906")
	if err != nil || a == nil {
		t.Fatalf("CVE-2021-44906 not stored: %v", err)
	}
	if r := Rate(Entry{}, &Advisory{ID: "GO-x"}, []*Advisory{a}, false); r.Source != "nvd:CVE-2021-44906" || r.Score != 9.8 {
		t.Fatalf("rating from the stored record = %+v", r)
	}
}
