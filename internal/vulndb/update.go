package vulndb

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// DefaultFeedBase is where OSV publishes one export per ecosystem, as
// <base>/<Ecosystem>/all.zip.
const DefaultFeedBase = "https://osv-vulnerabilities.storage.googleapis.com"

// DefaultEcosystems returns the OSV exports `bulwark db update` fetches unless
// told otherwise: every ecosystem whose packages Bulwark catalogs.
func DefaultEcosystems() []string {
	return []string{
		"AlmaLinux", "Alpine", "Bitnami", "Chainguard", "Debian", "Red Hat", "Rocky Linux",
		"SUSE", "openSUSE", "Ubuntu", "Wolfi",
		"Go", "Maven", "npm", "NuGet", "Packagist", "PyPI", "RubyGems", "crates.io",
	}
}

// Feed is one downloadable source of advisories: an OSV export zip or any
// file Import reads (an Alpine secdb JSON, a Debian tracker list, an NVD
// feed).
type Feed struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// OSVFeeds returns the feeds of the given ecosystems under base.
func OSVFeeds(base string, ecosystems []string) []Feed {
	base = strings.TrimSuffix(base, "/")
	out := make([]Feed, 0, len(ecosystems))
	for _, e := range ecosystems {
		out = append(out, Feed{Name: "osv:" + e, URL: base + "/" + url.PathEscape(e) + "/all.zip"})
	}
	return out
}

// maxFeedSize bounds one download.
const maxFeedSize = 4 << 30

// UpdateOptions configure Update.
type UpdateOptions struct {
	Feeds  []Feed
	Client *http.Client
	// Progress, when set, is told the bytes of feed i downloaded so far
	// and its size (-1 when unknown).
	Progress func(i int, read, total int64)
}

// FeedResult is what happened to one feed.
type FeedResult struct {
	Name   string       `json:"name"`
	Status string       `json:"status"` // downloaded, not-modified
	Bytes  int64        `json:"bytes"`
	Import ImportStats  `json:"import"`
	Source SourceMeta   `json:"-"`
	Took   JSONDuration `json:"took"`
}

// StatusUnchanged is every feed's Status when Update found nothing new
// and left the database as it was.
const StatusUnchanged = "unchanged"

// Unchanged reports whether Update left the database as it was (every
// feed answered what the database already holds).
func Unchanged(res []FeedResult) bool {
	return len(res) > 0 && !slices.ContainsFunc(res, func(r FeedResult) bool { return r.Status != StatusUnchanged })
}

// unchanged says whether the feeds just fetched are exactly what the
// database was built from: the same feeds, each not modified or with the
// same content, and no local imports to take along.
func unchanged(prev map[string]SourceMeta, feeds []Feed, res []FeedResult) bool {
	if len(prev) != len(feeds) {
		return false // a feed added or dropped, or local imports to redo
	}
	for i, f := range feeds {
		p, ok := prev[f.Name]
		same := res[i].Status == "not-modified" || (p.SHA256 != "" && res[i].Source.SHA256 == p.SHA256)
		if !ok || !same {
			return false
		}
	}
	return true
}

// JSONDuration prints as "1.2s".
type JSONDuration time.Duration

// MarshalText writes the duration rounded to milliseconds.
func (d JSONDuration) MarshalText() ([]byte, error) {
	return []byte(time.Duration(d).Round(time.Millisecond).String()), nil
}

// Update downloads every feed (conditionally: a feed unchanged since the
// last update is not downloaded again), checks what it got, and rebuilds
// the database from all of them, together with the local files imported
// before with Import that still exist. The new database replaces the old
// one only when everything succeeded; otherwise the old one stays in use.
func Update(ctx context.Context, dir string, opts UpdateOptions) ([]FeedResult, error) {
	client := opts.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Minute}
	}
	prev := map[string]SourceMeta{}
	if db, err := Open(dir); err == nil {
		prev = db.Meta().Sources
		db.Close()
	}
	cache := filepath.Join(dir, "sources")
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return nil, fmt.Errorf("update: %w", err)
	}
	results := make([]FeedResult, len(opts.Feeds))
	for i, f := range opts.Feeds {
		start := time.Now()
		var progress func(int64, int64)
		if opts.Progress != nil {
			progress = func(read, total int64) { opts.Progress(i, read, total) }
		}
		res, err := fetchFeed(ctx, client, f, cache, prev[f.Name], progress)
		if err != nil {
			return nil, fmt.Errorf("update %s (%s): %w; the database in %s is unchanged", f.Name, f.URL, err, dir)
		}
		res.Took = JSONDuration(time.Since(start))
		results[i] = res
	}
	if unchanged(prev, opts.Feeds, results) {
		// Nothing new upstream: the database in place is current, and
		// rebuilding it would only make every server re-match every image.
		for i := range results {
			results[i].Status = StatusUnchanged
		}
		return results, nil
	}
	w, err := NewWriter(dir, true)
	if err != nil {
		return nil, err
	}
	for i, f := range opts.Feeds {
		start := time.Now()
		st, err := Import(ctx, w, feedCachePath(cache, f))
		if err != nil {
			w.Abort()
			return nil, fmt.Errorf("update %s (%s): %w; the database in %s is unchanged", f.Name, f.URL, err, dir)
		}
		results[i].Import = st
		results[i].Took += JSONDuration(time.Since(start))
		src := results[i].Source
		src.Records, src.Withdrawn, src.Bad = st.Records, st.Withdrawn, st.Bad
		w.SetSource(src)
	}
	// Local imports made with `db import` come along when still there.
	for name, s := range prev {
		path, ok := strings.CutPrefix(name, "file:")
		if !ok {
			continue
		}
		if _, err := os.Stat(path); err != nil {
			continue
		}
		st, err := Import(ctx, w, path)
		if err != nil {
			w.Abort()
			return nil, fmt.Errorf("update: re-import %s: %w; the database in %s is unchanged", path, err, dir)
		}
		s.Records, s.Withdrawn, s.Bad = st.Records, st.Withdrawn, st.Bad
		w.SetSource(s)
	}
	if err := w.Commit(); err != nil {
		return nil, err
	}
	return results, nil
}

func feedCachePath(cache string, f Feed) string {
	safe := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '_'
	}, f.Name)
	return filepath.Join(cache, safe+feedExt(f.URL))
}

// feedExt keeps the kind of file a feed's URL names, which Import goes
// by: a gzip-compressed or plain JSON file, else a zip.
func feedExt(u string) string {
	u, _, _ = strings.Cut(u, "?")
	for _, ext := range []string{".json.gz", ".gz", ".json"} {
		if strings.HasSuffix(strings.ToLower(u), ext) {
			return ext
		}
	}
	return ".zip"
}

// fetchFeed downloads f into the cache unless the cached copy is current.
func fetchFeed(ctx context.Context, client *http.Client, f Feed, cache string, prev SourceMeta, progress func(int64, int64)) (FeedResult, error) {
	path := feedCachePath(cache, f)
	res := FeedResult{Name: f.Name}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.URL, nil)
	if err != nil {
		return res, err
	}
	req.Header.Set("User-Agent", "bulwark")
	cached := prev.SHA256 != "" && fileSHA256(path) == prev.SHA256
	if cached {
		if prev.ETag != "" {
			req.Header.Set("If-None-Match", prev.ETag)
		}
		if prev.LastModified != "" {
			req.Header.Set("If-Modified-Since", prev.LastModified)
		}
	}
	resp, err := getPolitely(ctx, client, req)
	if err != nil {
		return res, err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified && cached:
		res.Status, res.Source = "not-modified", prev
		res.Source.Fetched = time.Now().UTC()
		return res, nil
	case resp.StatusCode != http.StatusOK:
		return res, fmt.Errorf("HTTP %s", resp.Status)
	}
	tmp, err := os.CreateTemp(cache, ".download-*")
	if err != nil {
		return res, err
	}
	defer os.Remove(tmp.Name())
	sum := sha256.New()
	var md5sum hash.Hash
	wantMD5 := googHash(resp.Header, "md5")
	if wantMD5 != "" {
		md5sum = md5.New()
	}
	writers := []io.Writer{tmp, sum}
	if md5sum != nil {
		writers = append(writers, md5sum)
	}
	body := io.Reader(io.LimitReader(resp.Body, maxFeedSize+1))
	if progress != nil {
		body = &countingReader{r: body, total: resp.ContentLength, report: progress}
	}
	n, err := io.Copy(io.MultiWriter(writers...), body)
	if err == nil {
		err = tmp.Close()
	} else {
		tmp.Close()
	}
	if err != nil {
		return res, fmt.Errorf("download: %w", err)
	}
	if n > maxFeedSize {
		return res, fmt.Errorf("download larger than %d bytes", int64(maxFeedSize))
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return res, fmt.Errorf("download truncated: %d of %d bytes", n, resp.ContentLength)
	}
	if md5sum != nil {
		if got := base64.StdEncoding.EncodeToString(md5sum.Sum(nil)); got != wantMD5 {
			return res, fmt.Errorf("checksum mismatch: md5 %s, server says %s", got, wantMD5)
		}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return res, err
	}
	res.Status, res.Bytes = "downloaded", n
	res.Source = SourceMeta{Name: f.Name, URL: f.URL, ETag: resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"), SHA256: hex.EncodeToString(sum.Sum(nil)), Fetched: time.Now().UTC()}
	return res, nil
}

// googHash reads one checksum of a Google Cloud Storage x-goog-hash
// header ("crc32c=...,md5=...").
func googHash(h http.Header, kind string) string {
	for _, v := range h.Values("X-Goog-Hash") {
		for _, part := range strings.Split(v, ",") {
			if k, val, ok := strings.Cut(strings.TrimSpace(part), "="); ok && k == kind {
				return val
			}
		}
	}
	return ""
}

func fileSHA256(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}

type countingReader struct {
	r      io.Reader
	n      int64
	total  int64
	report func(int64, int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.report(c.n, c.total)
	return n, err
}

// ImportFiles imports local paths into the database in dir, adding to what
// it holds, and records each path so that later updates keep it. Nothing
// changes unless every path imports.
func ImportFiles(ctx context.Context, dir string, paths []string) ([]ImportStats, error) {
	w, err := NewWriter(dir, false)
	if err != nil {
		return nil, err
	}
	out := make([]ImportStats, len(paths))
	for i, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			w.Abort()
			return nil, err
		}
		st, err := Import(ctx, w, abs)
		if err == nil && st.Files == 0 {
			err = errors.New("no advisory files found")
		}
		if err != nil {
			w.Abort()
			return nil, fmt.Errorf("import %s: %w; the database in %s is unchanged", p, err, dir)
		}
		out[i] = st
		w.SetSource(SourceMeta{Name: "file:" + abs, Fetched: time.Now().UTC(),
			Records: st.Records, Withdrawn: st.Withdrawn, Bad: st.Bad})
	}
	if err := w.Commit(); err != nil {
		return nil, err
	}
	return out, nil
}
