package testbed

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// ChromiumPath is where Debian's chromium package installs the browser.
const ChromiumPath = "/usr/bin/chromium"

// ChromiumTimeout bounds each test's browser: past it every action fails
// and the browser is closed.
const ChromiumTimeout = 60 * time.Second

// Chromium starts headless Chromium for the test and returns a chromedp
// context on a fresh tab. The browser is closed when the test ends or after
// ChromiumTimeout. Uncaught exceptions, console.error calls and error
// entries of the browser log (such as Content-Security-Policy violations)
// are collected and reported with t.Errorf when the test ends, so a page
// with a JavaScript error fails the test. Failed network requests are not
// reported: a page that handles a 401 or 404 from an API is not broken.
// The test is skipped when Chromium is not installed or cannot start.
func Chromium(t testing.TB) context.Context {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err != nil {
		Unavailable(t, "Chromium", "not installed at %s (apt-get install chromium)", ChromiumPath)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(ChromiumPath),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(1440, 900),
	)
	pageErrs := &pageErrors{}
	timeoutCtx, cancelTimeout := context.WithTimeout(context.Background(), ChromiumTimeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(timeoutCtx, opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithErrorf(pageErrs.logf(t)))
	stop := func() {
		cancelTab()
		cancelAlloc()
		cancelTimeout()
	}
	if err := chromedp.Do(ctx); err != nil {
		stop()
		Unavailable(t, "Chromium", "cannot start here: %v", err)
	}
	if err := chromedp.Listen(ctx, pageErrs.record); err != nil {
		stop()
		t.Fatalf("listening to the browser console: %v", err)
	}
	t.Cleanup(func() {
		stop()
		for _, msg := range pageErrs.close() {
			t.Errorf("browser: %s", msg)
		}
	})
	return ctx
}

// pageErrors collects what the page reported as errors. The browser's
// read loop calls record, so it only appends under a lock.
type pageErrors struct {
	mu     sync.Mutex
	msgs   []string
	closed bool
}

func (p *pageErrors) record(ev any) {
	msg := pageError(ev)
	if msg == "" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		p.msgs = append(p.msgs, msg)
	}
}

// close stops collecting and returns what was collected.
func (p *pageErrors) close() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	return p.msgs
}

// logf returns a logger for chromedp's own errors that stays quiet once the
// test has ended (logging after that would panic).
func (p *pageErrors) logf(t testing.TB) func(string, ...any) {
	return func(format string, args ...any) {
		p.mu.Lock()
		defer p.mu.Unlock()
		if !p.closed {
			t.Logf("chromedp: "+format, args...)
		}
	}
}

// pageError describes an event that means the page misbehaved, or returns
// "" for any other event.
func pageError(ev any) string {
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		return "uncaught exception: " + exceptionText(ev.ExceptionDetails)
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert {
			return ""
		}
		return "console." + string(ev.Type) + ": " + argsText(ev.Args) + stackPlace(ev.StackTrace)
	case *cdplog.EventEntryAdded:
		e := ev.Entry
		if e == nil || e.Level != cdplog.EntryLevelError || e.Source == cdplog.EntrySourceNetwork {
			return ""
		}
		return fmt.Sprintf("%s error: %s (%s:%d)", e.Source, e.Text, e.URL, e.LineNumber+1)
	}
	return ""
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d == nil {
		return "(no details)"
	}
	text := d.Text
	if d.Exception != nil && d.Exception.Description != "" {
		desc, _, _ := strings.Cut(d.Exception.Description, "\n")
		text += " " + desc
	}
	return fmt.Sprintf("%s (%s:%d:%d)", text, d.URL, d.LineNumber+1, d.ColumnNumber+1)
}

func argsText(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		switch {
		case a == nil:
			parts = append(parts, "null")
		case a.Type == runtime.RemoteObjectTypeString:
			s, err := strconv.Unquote(string(a.Value))
			if err != nil {
				s = string(a.Value)
			}
			parts = append(parts, s)
		case a.Description != "":
			parts = append(parts, a.Description)
		case a.UnserializableValue != "":
			parts = append(parts, string(a.UnserializableValue))
		default:
			parts = append(parts, string(a.Value))
		}
	}
	return strings.Join(parts, " ")
}

func stackPlace(st *runtime.StackTrace) string {
	if st == nil || len(st.CallFrames) == 0 {
		return ""
	}
	f := st.CallFrames[0]
	return fmt.Sprintf(" (%s:%d)", f.URL, f.LineNumber+1)
}

// Screenshot saves a PNG of the whole page, beyond the viewport, as
// NAME.png under $BULWARK_ARTIFACTS (default test-artifacts/ at the
// repository root), prefixed with the test's name, and logs its path.
func Screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("BULWARK_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(RepoRoot(t), "test-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	png, err := fullPage(ctx)
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	path := filepath.Join(dir, fileSafe(t.Name()+"-"+name)+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	t.Logf("screenshot: %s", path)
}

// fullPage captures the page's whole scrollable area as PNG.
func fullPage(ctx context.Context) ([]byte, error) {
	m, err := chromedp.Call(ctx, page.GetLayoutMetrics, cdp.Empty{})
	if err != nil {
		return nil, fmt.Errorf("reading the page size: %w", err)
	}
	clip := &page.Viewport{Width: 1440, Height: 900, Scale: 1}
	if s := m.CSSContentSize; s != nil && s.Width > 0 && s.Height > 0 {
		clip.Width, clip.Height = s.Width, s.Height
	}
	beyond := true
	r, err := chromedp.Call(ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{
		Format:                page.CaptureScreenshotFormatPng,
		Clip:                  clip,
		CaptureBeyondViewport: &beyond,
	})
	if err != nil {
		return nil, fmt.Errorf("capturing: %w", err)
	}
	return r.Data, nil
}

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func fileSafe(s string) string {
	return strings.Trim(unsafeFileChars.ReplaceAllString(s, "_"), "_")
}

// WaitReady waits until the page shows VIEW with its data, that is until
// <body> matches [data-ready="1"][data-view=VIEW]. It returns at once with
// an error carrying the page's message when the body shows data-error for
// that view, and with the context's error when ctx ends first.
func WaitReady(ctx context.Context, view string) error {
	const probe = `(() => {
		const b = document.body;
		if (!b || b.dataset.view !== %s) return "";
		if (b.dataset.error !== undefined) return "error:" + b.dataset.error;
		return b.dataset.ready === "1" ? "ready" : "";
	})()`
	expr := fmt.Sprintf(probe, strconv.Quote(view))
	var lastErr error
	for {
		state, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		switch {
		case err != nil:
			// A navigation replaces the page's context under us: try again.
			lastErr = err
		case state == "ready":
			return nil
		case strings.HasPrefix(state, "error:"):
			return fmt.Errorf("view %s failed: %s", view, strings.TrimPrefix(state, "error:"))
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for view %s: %w", view, errors.Join(ctx.Err(), lastErr))
		case <-time.After(50 * time.Millisecond):
		}
	}
}
