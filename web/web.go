// Package web serves Bulwark's dashboard: a single-page application of plain
// HTML, CSS and ES modules embedded in the binary, with no build step and
// nothing loaded from another origin. The application talks to the JSON API
// under /api/v1/ with a bearer token that the user pastes at #/login.
//
// Each view sets data-view on <body> (login, overview, recommendations,
// recommendation, images, image, registries, alerts, inventory) and
// data-ready="1" once its data is on screen, or data-error when loading
// failed, so that browser tests know when to look.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed static
var static embed.FS

// contentSecurityPolicy forbids inline scripts and styles and any other
// origin: the dashboard needs nothing but its own files and the API.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"

// contentTypes names the media type of each kind of file the dashboard
// ships, so that responses do not depend on the host's mime.types.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".json": "application/json",
}

// asset is one embedded file with what its responses need.
type asset struct {
	body        []byte
	etag        string
	contentType string
}

// handler serves the embedded assets; see Handler.
type handler struct {
	assets map[string]asset // keyed by the path under static/
}

// Handler returns the handler of the dashboard. It serves /static/NAME from
// the embedded files, index.html for / and for every path without a file
// extension (the application routes with the URL fragment, so any such path
// is a deep link), and 404 for anything else. Every response carries the
// dashboard's security headers. Assets are revalidated on each use with a
// strong ETag, so an upgraded server never mixes old and new files.
func Handler() http.Handler {
	h := &handler{assets: map[string]asset{}}
	err := fs.WalkDir(static, "static", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := static.ReadFile(name)
		if err != nil {
			return fmt.Errorf("reading embedded %s: %w", name, err)
		}
		sum := sha256.Sum256(body)
		h.assets[strings.TrimPrefix(name, "static/")] = asset{
			body:        body,
			etag:        `"` + hex.EncodeToString(sum[:16]) + `"`,
			contentType: contentTypes[path.Ext(name)],
		}
		return nil
	})
	if err != nil {
		// The files are compiled in: failing to read them is a broken build.
		panic(fmt.Sprintf("web: embedded assets: %v", err))
	}
	return h
}

// ServeHTTP implements http.Handler.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", contentSecurityPolicy)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	a, ok := h.lookup(r.URL.Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	hdr.Set("Content-Type", a.contentType)
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("ETag", a.etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
}

// lookup maps a request path to the asset it names.
func (h *handler) lookup(p string) (asset, bool) {
	p = path.Clean("/" + p)
	if name, ok := strings.CutPrefix(p, "/static/"); ok {
		a, found := h.assets[name]
		return a, found && a.contentType != ""
	}
	if p == "/static" || p == "/api" || strings.HasPrefix(p, "/api/") {
		// Not deep links: a client asking for these wants a file or JSON,
		// never the application's page.
		return asset{}, false
	}
	if p == "/index.html" || path.Ext(p) == "" {
		a, found := h.assets["index.html"]
		return a, found
	}
	return asset{}, false
}
