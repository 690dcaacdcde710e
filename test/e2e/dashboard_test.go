package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

// page drives the dashboard in Chromium through its data-testid hooks.
type page struct {
	t   *testing.T
	ctx context.Context
}

func (p page) eval(js string) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.Evaluate[chromedp.Void](js)); err != nil {
		p.t.Fatalf("%s: %v", js, err)
	}
}

func pageEval[T any](p page, js string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		p.t.Fatalf("%s: %v", js, err)
	}
	return v
}

func sel(testid string) string { return fmt.Sprintf(`[data-testid=%q]`, testid) }

func (p page) count(testid string) int {
	p.t.Helper()
	return pageEval[int](p, fmt.Sprintf(`document.querySelectorAll(%q).length`, sel(testid)))
}

func (p page) text(testid string) string {
	p.t.Helper()
	return pageEval[string](p, fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ""`, sel(testid)))
}

// act runs js (a navigation or a click) and waits for view to render its
// data (the ready flag is cleared first so the previous render does not
// count).
func (p page) act(js, view string) {
	p.t.Helper()
	p.eval(`delete document.body.dataset.ready; ` + js)
	if err := testbed.WaitReady(p.ctx, view); err != nil {
		p.t.Fatal(err)
	}
}

func (p page) open(hash, view string) {
	p.t.Helper()
	p.act(fmt.Sprintf(`location.hash = %q`, hash), view)
}

func (p page) want(what string, got, want any) {
	p.t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		p.t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// browse drives the dashboard against the real server after a real scan:
// sign in with the first admin token, then every view must show the scan's
// data; alert text from the API stays text. Screenshots of each view are
// kept in test-artifacts/.
func browse(t *testing.T, srv *bulwarkServer, imageID int64) {
	t.Helper()
	// A real alert whose text would be markup if it were not escaped.
	var created map[string]any
	if c := srv.api(t, srv.token, "POST", "/api/v1/alerts", map[string]any{"type": "TEST_Markup", "title": `<img src=x onerror="document.body.dataset.pwned=1">`,
		"severity": "high", "entities": map[string]string{"image": "<script>x</script>"}, "evidence": map[string]string{"cmd": "/tmp/xmrig"}}, &created); c != 201 {
		t.Fatalf("create alert: %d", c)
	}
	ctx := testbed.Chromium(t)
	p := page{t, ctx}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.url+"/")); err != nil {
		t.Fatal(err)
	}
	if err := testbed.WaitReady(ctx, "login"); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(sel("login-token")), srv.token)); err != nil {
		t.Fatal(err)
	}
	p.act(fmt.Sprintf(`document.querySelector(%q).click()`, sel("login-submit")), "overview")
	p.want("unhealthy images on the overview", strings.TrimSpace(p.text("overview-unhealthy")), "1")
	p.want("findings chart drawn", p.count("chart-findings"), 1)
	testbed.Screenshot(t, ctx, "overview")

	p.open("#/recommendations/image-vulnerabilities", "recommendation")
	p.want("resources to fix", p.count("resource-row") >= 1 || strings.Contains(pageEval[string](p, `document.body.textContent`), "shop/api"), true)
	testbed.Screenshot(t, ctx, "recommendation")

	p.open("#/images", "images")
	p.want("image rows", p.count("image-row") >= 1, true)
	p.want("pushed repository listed", strings.Contains(p.text("images-table"), "shop/api"), true)
	testbed.Screenshot(t, ctx, "images")

	p.open(fmt.Sprintf("#/images/%d", imageID), "image")
	p.want("vulnerability rows", p.count("vuln-row") > 0, true)
	body := pageEval[string](p, `document.body.textContent`)
	for _, s := range []string{"django", "golang.org/x/net"} {
		if !strings.Contains(body, s) {
			t.Errorf("image page does not mention %s", s)
		}
	}
	testbed.Screenshot(t, ctx, "image")

	p.open("#/registries", "registries")
	p.want("registry rows", p.count("registry-row"), 1)
	testbed.Screenshot(t, ctx, "registries")

	p.open("#/alerts", "alerts")
	p.want("alert rows", p.count("alert-row") >= 1, true)
	p.want("markup kept as text", strings.Contains(pageEval[string](p, `document.body.textContent`), `<img src=x onerror=`), true)
	p.want("no injected element", pageEval[int](p, `document.querySelectorAll('[data-testid="alert-row"] img').length`), 0)
	p.want("no script ran", pageEval[string](p, `document.body.dataset.pwned || ""`), "")
	testbed.Screenshot(t, ctx, "alerts")

	p.open("#/inventory", "inventory")
	p.want("images in the inventory", strings.TrimSpace(p.text("inventory-images")) != "0", true)
	testbed.Screenshot(t, ctx, "inventory")

}
