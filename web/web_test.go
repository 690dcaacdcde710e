package web

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"testing"
)

func TestHandler(t *testing.T) {
	h := Handler()
	for _, tc := range []struct {
		method, path string
		status       int
		contentType  string // prefix; "" for any
		body         string // substring; "" for any
	}{
		{"GET", "/", 200, "text/html; charset=utf-8", `<script type="module" src="/static/app.js">`},
		{"GET", "/index.html", 200, "text/html", `src="/static/app.js"`},
		{"GET", "/images/12", 200, "text/html", `src="/static/app.js"`},
		{"GET", "/recommendations/image-vulnerabilities", 200, "text/html", `src="/static/app.js"`},
		{"GET", "/static/app.js", 200, "text/javascript; charset=utf-8", "import "},
		{"GET", "/static/views/image.js", 200, "text/javascript; charset=utf-8", "export const imageView"},
		{"GET", "/static/style.css", 200, "text/css; charset=utf-8", ":root"},
		{"GET", "/static/favicon.svg", 200, "image/svg+xml", "<svg"},
		{"GET", "/static/missing.js", 404, "", ""},
		{"GET", "/static/", 404, "", ""},
		{"GET", "/static", 404, "", ""},
		{"GET", "/static/views", 404, "", ""},
		{"GET", "/static/../web.go", 404, "", ""},
		{"GET", "/favicon.ico", 404, "", ""},
		{"GET", "/api/v1/nothing", 404, "", ""},
		{"HEAD", "/", 200, "text/html", ""},
		{"POST", "/", 405, "", ""},
		{"DELETE", "/static/app.js", 405, "", ""},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
			res := rec.Result()
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tc.status)
			}
			checkSecurityHeaders(t, res.Header)
			if got := res.Header.Get("Content-Type"); !strings.HasPrefix(got, tc.contentType) {
				t.Errorf("Content-Type %q, want %q", got, tc.contentType)
			}
			if !strings.Contains(rec.Body.String(), tc.body) {
				t.Errorf("body lacks %q", tc.body)
			}
			if tc.status == 200 && res.Header.Get("Cache-Control") != "no-cache" {
				t.Errorf("Cache-Control %q, want no-cache", res.Header.Get("Cache-Control"))
			}
			if tc.method == "HEAD" && rec.Body.Len() != 0 {
				t.Errorf("HEAD sent a body of %d bytes", rec.Body.Len())
			}
		})
	}
}

func checkSecurityHeaders(t *testing.T, hdr http.Header) {
	t.Helper()
	for name, want := range map[string]string{
		"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
	} {
		if got := hdr.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

// TestConditionalGet checks that a cached asset is revalidated with its
// ETag rather than sent again.
func TestConditionalGet(t *testing.T) {
	h := Handler()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/static/app.js", nil))
	etag := rec.Result().Header.Get("ETag")
	if !regexp.MustCompile(`^"[0-9a-f]{32}"$`).MatchString(etag) {
		t.Fatalf("ETag %q, want a quoted content hash", etag)
	}
	req := httptest.NewRequest("GET", "/static/app.js", nil)
	req.Header.Set("If-None-Match", etag)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
		t.Errorf("revalidation: status %d with %d bytes, want 304 and no body", rec.Code, rec.Body.Len())
	}
}

// staticFiles returns the embedded files whose names end in ext.
func staticFiles(t testing.TB, ext string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := fs.WalkDir(static, "static", func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && path.Ext(name) == ext {
			body, err := static.ReadFile(name)
			files[name] = string(body)
			return err
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestTestIDs checks that the data-testid hooks browser tests rely on are
// in the application's code.
func TestTestIDs(t *testing.T) {
	var all strings.Builder
	for _, body := range staticFiles(t, ".js") {
		all.WriteString(body)
	}
	for _, body := range staticFiles(t, ".html") {
		all.WriteString(body)
	}
	code := all.String()
	for _, id := range []string{
		// the ones the server's end-to-end test was promised
		"overview-unhealthy", "images-table", "image-row", "vuln-row", "registry-form", "alert-row", "chart-findings",
		// and the rest of the hooks per view
		"nav", "user-name", "user-role", "logout", "error-banner", "error-message", "empty-state", "loading",
		"login-form", "login-token", "login-submit", "login-message",
		"overview-healthy", "overview-unscanned", "overview-images-total", "overview-fixable", "chart-health",
		"severity-count", "overview-recommendation", "overview-alert", "overview-database", "overview-queue",
		"recommendations-table", "recommendation-row", "recommendation-detail", "recommendation-healthy-count",
		"resources-table", "resource-row", "resource-toggle", "resource-finding",
		"images-filter", "images-search", "images-total", "pager-prev", "pager-next",
		"image-header", "image-verdict", "fixes-list", "fix-row", "vulns-table", "vulns-filter", "tab-vulns",
		"tab-packages", "packages-table", "package-row", "health-badge", "severity-badge",
		"registries-table", "registry-row", "registry-name", "registry-url", "registry-username", "registry-password",
		"registry-insecure", "registry-submit", "registry-form-error", "registry-sync", "registry-remove",
		"registry-remove-confirm", "notification-url",
		"alerts-table", "alerts-filter-status", "alerts-filter-severity", "alert-expand", "alert-evidence",
		"alert-dismiss", "alert-resolve",
		"inventory-counts", "inventory-count", "inventory-registries", "inventory-repositories",
	} {
		if !strings.Contains(code, "'"+id+"'") && !strings.Contains(code, `"`+id+`"`) {
			t.Errorf("data-testid %q appears nowhere in web/static", id)
		}
	}
}

// TestNoInlineCode checks what the Content-Security-Policy would block or
// what would let data become markup: inline scripts, styles and event
// handlers in the HTML, and HTML parsing or eval in the scripts.
func TestNoInlineCode(t *testing.T) {
	for name, body := range staticFiles(t, ".html") {
		for _, bad := range []*regexp.Regexp{
			regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`), // a script with a body
			regexp.MustCompile(`<style`),
			regexp.MustCompile(`\sstyle\s*=`),
			regexp.MustCompile(`\son[a-z]+\s*=`),
			regexp.MustCompile(`(?:src|href)\s*=\s*"(?:https?:)?//`), // another origin
		} {
			if loc := bad.FindStringIndex(body); loc != nil {
				t.Errorf("%s: %q matches %s", name, body[loc[0]:loc[1]], bad)
			}
		}
	}
	for name, body := range staticFiles(t, ".js") {
		for _, bad := range []string{".innerHTML", ".outerHTML", "insertAdjacentHTML(", "document.write", "eval(", "new Function", "setAttribute('style'", "import('http", "from 'http", "createContextualFragment", "DOMParser"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s uses %s", name, bad)
			}
		}
	}
}

// TestImportsResolve checks that every relative import of every module
// names an embedded file, so no module fails to load in the browser.
func TestImportsResolve(t *testing.T) {
	importRE := regexp.MustCompile(`(?m)^import\s[^;]*?from\s+'([^']+)';`)
	files := staticFiles(t, ".js")
	for name, body := range files {
		for _, m := range importRE.FindAllStringSubmatch(body, -1) {
			target := path.Join(path.Dir(name), m[1])
			if _, ok := files[target]; !ok {
				t.Errorf("%s imports %s, which is not embedded", name, m[1])
			}
		}
	}
	index := staticFiles(t, ".html")["static/index.html"]
	for _, m := range regexp.MustCompile(`(?:src|href)="/static/([^"]+)"`).FindAllStringSubmatch(index, -1) {
		if _, err := fs.Stat(static, "static/"+m[1]); err != nil {
			t.Errorf("index.html links /static/%s, which is not embedded", m[1])
		}
	}
}

// FuzzHandler checks that no request path makes the handler panic, drop
// its security headers, or serve anything but an embedded file.
func FuzzHandler(f *testing.F) {
	for _, seed := range []string{"/", "/static/app.js", "/static/../web.go", "/images/1", "//static//app.js",
		"/static/%2e%2e/web.go", "/static/views/", "/api/v1/x", "/a.b/c", "/static/app.js/"} {
		f.Add(seed)
	}
	h := Handler()
	bodies := map[string]bool{}
	for _, ext := range []string{".html", ".js", ".css", ".svg"} {
		for _, body := range staticFiles(f, ext) {
			bodies[body] = true
		}
	}
	f.Fuzz(func(t *testing.T, p string) {
		req := httptest.NewRequest("GET", "/", nil)
		req.URL.Path = p
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		checkSecurityHeaders(t, rec.Result().Header)
		switch rec.Code {
		case http.StatusOK:
			if !bodies[rec.Body.String()] {
				t.Errorf("path %q served %d bytes that are no embedded file", p, rec.Body.Len())
			}
		case http.StatusNotFound:
		default:
			t.Errorf("path %q: status %d", p, rec.Code)
		}
	})
}
