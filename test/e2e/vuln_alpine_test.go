package e2e

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/bulwarksec/bulwark/internal/image"
	"github.com/bulwarksec/bulwark/internal/match"
	"github.com/bulwarksec/bulwark/internal/sbom"
	"github.com/bulwarksec/bulwark/internal/testbed"
)

// TestAlpineSecdbVerdicts scans Alpine 3.10 images against Alpine's own
// secdb for v3.10: every package whose origin the secdb lists with a fix
// above the installed version must be reported with exactly that fix, and
// nothing else. The reference reads the secdb JSON on its own and orders
// versions with apk itself.
//
// The official 3.10.3 and 3.10.9 minirootfs already carry every fix of
// this secdb snapshot (2020-06), so they must have no findings. The
// "earlier" image is the 3.10.3 minirootfs with a second layer whose
// installed database (its own, rewritten) puts each package whose origin
// has fixes at that origin's lowest fixed version, a version Alpine
// shipped: it must have the later fixes as findings, so a scan that
// misses them fails here.
func TestAlpineSecdbVerdicts(t *testing.T) {
	vd := testbed.Vulndata(t)
	alp := testbed.AlpineTarballs(t)
	apk := testbed.AlpineAPK(t)
	db := importDB(t, filepath.Join(vd, "alpine", "v3.10", "main.yaml"), filepath.Join(vd, "alpine", "v3.10", "community.yaml"))
	secfixes := readSecdb(t, apk, filepath.Join(vd, "alpine", "v3.10", "main.json"), filepath.Join(vd, "alpine", "v3.10", "community.json"))
	base := filepath.Join(alp, "alpine-minirootfs-3.10.3-x86_64.tar.gz")
	earlier, earlierList := earlierAlpine(t, apk, base, secfixes)
	for _, tc := range []struct {
		name    string
		img     *image.Image
		list    []string // "name version origin"
		atLeast int
		must    []string
	}{
		{"3.10.3", tarballImage(base), readLines(t, filepath.Join(alp, "3.10.3.apk-list.txt")), 0, nil},
		{"3.10.9", tarballImage(filepath.Join(alp, "alpine-minirootfs-3.10.9-x86_64.tar.gz")), readLines(t, filepath.Join(alp, "3.10.9.apk-list.txt")), 0, nil},
		// Checked by hand against the secdb: openssl's lowest fix is
		// 1.1.1a-r0 (CVE-2018-0734) and 1.1.1d-r0 fixes CVE-2019-1547;
		// musl's lowest is 1.1.15-r4 and 1.1.22-r3 fixes CVE-2019-14697.
		{"earlier", earlier, earlierList, 14, []string{
			"libssl1.1 CVE-2019-1547 1.1.1d-r0", "libcrypto1.1 CVE-2019-1547 1.1.1d-r0", "musl CVE-2019-14697 1.1.22-r3",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := sbom.CatalogImage(context.Background(), tc.img, sbom.Options{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := match.Match(context.Background(), db, s.Packages, match.Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := triples(res.Vulnerabilities, func(v match.Vulnerability) string { return strings.TrimPrefix(v.ID, "ALPINE-") })
			var want []string
			for _, line := range tc.list {
				f := strings.Fields(line) // name version origin
				for _, fx := range secfixes[f[2]] {
					if apkLess(t, apk, f[1], fx.fixed) {
						want = append(want, f[0]+" "+fx.id+" "+fx.fixed)
					}
				}
			}
			slices.Sort(want)
			want = slices.Compact(want)
			if !slices.Equal(got, want) {
				t.Errorf("findings differ from the secdb verdicts:\n%s", diffLists(got, want))
			}
			if len(got) < tc.atLeast {
				t.Errorf("%d findings, want at least %d", len(got), tc.atLeast)
			}
			for _, m := range tc.must {
				if !slices.Contains(got, m) {
					t.Errorf("missing finding %s", m)
				}
			}
			t.Logf("Alpine %s: %d findings, all equal to the secdb's fixed versions: %v", tc.name, len(got), got)
		})
	}
}

// earlierAlpine is the minirootfs at base plus a layer holding its own
// lib/apk/db/installed with each package whose origin has fixes moved to
// the origin's lowest fixed version; it returns the image and its package
// list as "name version origin".
func earlierAlpine(t *testing.T, apk *testbed.APK, base string, secfixes map[string][]secfix) (*image.Image, []string) {
	t.Helper()
	installed := testbed.TarballFile(t, base, "lib/apk/db/installed")
	var out strings.Builder
	var list []string
	for _, rec := range strings.Split(strings.TrimSpace(installed), "\n\n") {
		fields := map[string]string{}
		for _, line := range strings.Split(rec, "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && len(k) == 1 {
				fields[k] = v
			}
		}
		if fs := secfixes[fields["o"]]; len(fs) > 0 {
			low := fs[0].fixed
			for _, f := range fs[1:] {
				if apkLess(t, apk, f.fixed, low) {
					low = f.fixed
				}
			}
			rec = strings.Replace(rec, "\nV:"+fields["V"]+"\n", "\nV:"+low+"\n", 1)
			fields["V"] = low
		}
		list = append(list, fields["P"]+" "+fields["V"]+" "+fields["o"])
		out.WriteString(rec + "\n\n")
	}
	var layer bytes.Buffer
	tw := tar.NewWriter(&layer)
	body := []byte(out.String())
	if err := tw.WriteHeader(&tar.Header{Name: "lib/apk/db/installed", Mode: 0o644, Size: int64(len(body))}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.Write(body); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	img := tarballImage(base)
	img.Layers = append(img.Layers, image.Layer{DiffID: "sha256:earlier-apk-db", Size: int64(layer.Len()),
		Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(layer.Bytes())), nil }})
	return img, list
}

// TestAlpineSecdbEarlierFixes: for every origin with two or more fixes in
// a release of the secdb, a package installed at its lowest fixed version
// (a version Alpine really shipped) must be reported by exactly the later
// fixes, each with its own fixed version, apk itself ordering the
// versions. Releases run in parallel: each apk comparison is a process.
func TestAlpineSecdbEarlierFixes(t *testing.T) {
	vd := testbed.Vulndata(t)
	apk := testbed.AlpineAPK(t)
	rels, _ := filepath.Glob(filepath.Join(vd, "alpine", "v3.*"))
	if len(rels) == 0 {
		testbed.Unavailable(t, "Alpine secdb", "no alpine/v3.* in %s", vd)
	}
	var paths []string
	for _, r := range rels {
		paths = append(paths, filepath.Join(r, "main.json"), filepath.Join(r, "community.json"))
	}
	db := importDB(t, paths...)
	var mu sync.Mutex
	total, findings := 0, 0
	t.Run("releases", func(t *testing.T) {
		for _, r := range rels {
			t.Run(filepath.Base(r), func(t *testing.T) {
				t.Parallel()
				n, f := earlierFixes(t, apk, db, r)
				mu.Lock()
				total, findings = total+n, findings+f
				mu.Unlock()
			})
		}
	})
	if findings == 0 {
		t.Fatal("no findings expected at all: the sample is wrong")
	}
	t.Logf("%d origins at an earlier fixed version across %d releases: %d findings, all equal to the secdb's fixed versions", total, len(rels), findings)
}

// earlierFixes checks one release and returns how many origins and
// findings it checked.
func earlierFixes(t *testing.T, apk *testbed.APK, db match.Source, r string) (int, int) {
	rel := filepath.Base(r)
	secfixes := readSecdb(t, apk, filepath.Join(r, "main.json"), filepath.Join(r, "community.json"))
	var pkgs []sbom.Package
	for origin, fs := range secfixes {
		if len(fs) < 2 {
			continue
		}
		low := fs[0].fixed
		for _, f := range fs[1:] {
			if apkLess(t, apk, f.fixed, low) {
				low = f.fixed
			}
		}
		pkgs = append(pkgs, sbom.Package{ID: origin, Name: origin, Version: low, Type: sbom.TypeAPK,
			Ecosystem: "Alpine:" + rel, Source: &sbom.Source{Name: origin}})
	}
	res, err := match.Match(context.Background(), db, pkgs, match.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := triples(res.Vulnerabilities, func(v match.Vulnerability) string { return strings.TrimPrefix(v.ID, "ALPINE-") })
	var want []string
	for _, p := range pkgs {
		for _, f := range secfixes[p.Name] {
			if apkLess(t, apk, p.Version, f.fixed) {
				want = append(want, p.Name+" "+f.id+" "+f.fixed)
			}
		}
	}
	slices.Sort(want)
	want = slices.Compact(want)
	if !slices.Equal(got, want) {
		t.Errorf("Alpine %s: findings differ from the secdb's verdicts:\n%s", rel, diffLists(got, want))
	}
	return len(pkgs), len(want)
}

type secfix struct{ id, fixed string }

// readSecdb reads secfixes by origin straight from secdb JSON files.
func readSecdb(t *testing.T, apk *testbed.APK, paths ...string) map[string][]secfix {
	t.Helper()
	out := map[string][]secfix{}
	idRe := regexp.MustCompile(`^(CVE|XSA|GHSA|ZBX|TALOS|wnpa-sec)-[0-9A-Za-z-]+$`)
	for _, p := range paths {
		var doc struct {
			Packages secdbPackages `json:"packages"`
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, pk := range doc.Packages {
			for fixed, ids := range pk.Pkg.Secfixes {
				if fixed == "0" {
					continue
				}
				for _, entry := range ids {
					for _, id := range strings.Fields(entry) {
						if idRe.MatchString(id) {
							out[pk.Pkg.Name] = append(out[pk.Pkg.Name], secfix{id, fixed})
						}
					}
				}
			}
		}
	}
	return lowestFixes(t, apk, out)
}

// secdbPackages reads a secdb "packages" list; an empty repository has
// an empty string there.
type secdbPackages []struct {
	Pkg struct {
		Name     string            `json:"name"`
		Secfixes map[string]idList `json:"secfixes"`
	} `json:"pkg"`
}

// idList is a secfixes value: a list of IDs, or (in some files) one string.
type idList []string

func (l *idList) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*l = []string{s}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(l))
}

func (s *secdbPackages) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return nil
	}
	type plain secdbPackages
	return json.Unmarshal(b, (*plain)(s))
}

// lowestFixes keeps, per package and ID, the lowest fixed version: an
// advisory's fixed version is the first that has the fix.
func lowestFixes(t *testing.T, apk *testbed.APK, in map[string][]secfix) map[string][]secfix {
	t.Helper()
	out := map[string][]secfix{}
	for name, fs := range in {
		low := map[string]string{}
		for _, f := range fs {
			if cur, ok := low[f.id]; !ok || apkLess(t, apk, f.fixed, cur) {
				low[f.id] = f.fixed
			}
		}
		for id, fx := range low {
			out[name] = append(out[name], secfix{id, fx})
		}
	}
	return out
}

// apkLess orders versions with apk itself.
func apkLess(t *testing.T, apk *testbed.APK, a, b string) bool {
	t.Helper()
	c, err := apk.Compare(a, b)
	if err != nil {
		t.Fatal(err)
	}
	return c < 0
}
