package testbed

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// recordingTB stands in for the test given to Chromium, so that what the
// helper reports at cleanup can be checked instead of failing this test.
type recordingTB struct {
	testing.TB
	mu       sync.Mutex
	errs     []string
	cleanups []func()
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recordingTB) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }

// finish runs the cleanups as the testing package would and returns what
// was reported.
func (r *recordingTB) finish() []string {
	for _, f := range slices.Backward(r.cleanups) {
		f()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.errs
}

// pages serves small pages whose only script is external (as under the
// dashboard's CSP); each marks itself ready once its script has run.
func pages() http.Handler {
	scripts := map[string]string{
		"ok":       ``,
		"throw":    `setTimeout(() => { throw new Error("boom from page"); });`,
		"console":  `console.error("bad thing", 42);`,
		"rejected": `Promise.reject(new Error("nobody caught me"));`,
		"api404":   `await fetch("/missing-api");`,
		"inline":   ``, // the page also has an inline script that the CSP blocks
		"slow":     `await new Promise((r) => setTimeout(r, 300));`,
		"failed":   `document.body.dataset.error = "GET /api/v1/x: 500 database locked"; throw "stop";`,
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.Trim(r.URL.Path, "/")
		if js, ok := strings.CutSuffix(name, ".js"); ok {
			w.Header().Set("Content-Type", "text/javascript")
			fmt.Fprintf(w, "document.body.dataset.view = %q;\n%s\ndocument.body.dataset.ready = \"1\";\n", js, scripts[js])
			return
		}
		if _, ok := scripts[name]; !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src data:; script-src 'self'")
		w.Header().Set("Content-Type", "text/html")
		inline := ""
		if name == "inline" {
			inline = `<script>document.title = "inline ran"</script>`
		}
		fmt.Fprintf(w, `<!doctype html><html><head><link rel="icon" href="data:,"></head><body>%s<script type="module" src="/%s.js"></script></body></html>`, inline, name)
	})
}

// TestChromiumReportsPageErrors loads pages that misbehave in each way the
// helper must notice, and pages that must pass, and checks what the helper
// reports when the test ends.
func TestChromiumReportsPageErrors(t *testing.T) {
	Heavy(t)
	srv := httptest.NewServer(pages())
	defer srv.Close()
	for _, tc := range []struct {
		page string
		want string // substring of the one reported error; "" for none
	}{
		{"ok", ""},
		{"api404", ""},
		{"throw", "boom from page"},
		{"rejected", "nobody caught me"},
		{"console", "console.error: bad thing 42"},
		{"inline", "Content Security Policy"},
	} {
		t.Run(tc.page, func(t *testing.T) {
			rec := &recordingTB{TB: t}
			ctx := Chromium(rec)
			if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"+tc.page)); err != nil {
				t.Fatal(err)
			}
			if err := WaitReady(ctx, tc.page); err != nil {
				t.Fatal(err)
			}
			// The throw and the rejection happen after ready; give them a
			// moment to reach the listener.
			time.Sleep(300 * time.Millisecond)
			errs := rec.finish()
			switch {
			case tc.want == "" && len(errs) > 0:
				t.Errorf("reported %q, want nothing", errs)
			case tc.want != "" && (len(errs) != 1 || !strings.Contains(errs[0], tc.want)):
				t.Errorf("reported %q, want one error containing %q", errs, tc.want)
			}
		})
	}
}

func TestWaitReady(t *testing.T) {
	Heavy(t)
	srv := httptest.NewServer(pages())
	defer srv.Close()
	ctx := Chromium(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/slow")); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := WaitReady(ctx, "slow"); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < 200*time.Millisecond {
		t.Errorf("WaitReady returned after %v, before the page marked itself ready (300 ms)", waited)
	}

	short, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	if err := WaitReady(short, "another-view"); err == nil || !strings.Contains(err.Error(), "another-view") {
		t.Errorf("WaitReady on a view never shown = %v, want a timeout naming the view", err)
	}

	rec := &recordingTB{TB: t}
	ctx2 := Chromium(rec)
	if err := chromedp.Do(ctx2, chromedp.Navigate(srv.URL+"/failed")); err != nil {
		t.Fatal(err)
	}
	err := WaitReady(ctx2, "failed")
	if err == nil || !strings.Contains(err.Error(), "database locked") {
		t.Errorf("WaitReady on a failed view = %v, want the page's error", err)
	}
	rec.finish() // the page threw on purpose
}

func TestScreenshotIsFullPage(t *testing.T) {
	Heavy(t)
	dir := t.TempDir()
	t.Setenv("BULWARK_ARTIFACTS", dir)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<!doctype html><html><head><link rel="icon" href="data:,"></head><body></body></html>`)
	}))
	defer srv.Close()
	ctx := Chromium(t)
	tall := `document.body.style.margin = "0"; document.body.style.height = "3000px";`
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL), chromedp.Evaluate[chromedp.Void](tall)); err != nil {
		t.Fatal(err)
	}
	Screenshot(t, ctx, "tall page")
	files, _ := filepath.Glob(filepath.Join(dir, "*.png"))
	if len(files) != 1 || !strings.Contains(filepath.Base(files[0]), "TestScreenshotIsFullPage-tall_page") {
		t.Fatalf("screenshots written: %q, want one named after the test", files)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	if cfg.Height < 3000 || cfg.Width < 1000 {
		t.Errorf("screenshot is %dx%d, want the whole 3000 px page", cfg.Width, cfg.Height)
	}
}
