package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"
)

// loadResult is what one load run measured.
type loadResult struct {
	sent, failed int
	elapsed      time.Duration
	latencies    []time.Duration
}

func (r loadResult) rate() float64 { return float64(r.sent) / r.elapsed.Seconds() }

// percentile returns the p-th percentile (0..100) of the latencies.
func (r loadResult) percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	s := slices.Clone(r.latencies)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p / 100)
	return s[i]
}

// serveTLS serves h over TLS on a loopback port as the webhook does and
// returns its URL and a client that trusts it.
func serveTLS(h http.Handler, cert tls.Certificate) (string, *http.Client, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second,
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}}
	go srv.ServeTLS(ln, "", "")
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig:     &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // loopback benchmark of our own server
		MaxIdleConnsPerHost: 256,
	}}
	return "https://" + ln.Addr().String() + "/validate", client, func() { srv.Close() }, nil
}

// openLoop sends body at a fixed rate for d, as the API server's
// requests arrive whatever the webhook's speed: request i is due at
// start + i/rate, and worker i%workers sends it. Each latency counts from
// when the request was due, so a server (or generator) that falls behind
// is charged for the wait (no coordinated omission).
func openLoop(ctx context.Context, client *http.Client, url string, body []byte, rate int, d time.Duration) loadResult {
	const workers = 64
	interval := time.Second / time.Duration(rate)
	n := int(d / interval)
	lat := make([]time.Duration, n)
	ok := make([]bool, n)
	var wg sync.WaitGroup
	start := time.Now().Add(10 * time.Millisecond)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n && ctx.Err() == nil; i += workers {
				due := start.Add(time.Duration(i) * interval)
				time.Sleep(time.Until(due))
				ok[i] = post(ctx, client, url, body)
				lat[i] = time.Since(due)
			}
		}()
	}
	wg.Wait()
	res := loadResult{sent: n, elapsed: time.Since(start), latencies: lat}
	for _, o := range ok {
		if !o {
			res.failed++
		}
	}
	return res
}

// closedLoop keeps c requests in flight for d: the most the server
// sustains.
func closedLoop(ctx context.Context, client *http.Client, url string, body []byte, c int, d time.Duration) loadResult {
	var mu sync.Mutex
	var res loadResult
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	start := time.Now()
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t0 := time.Now()
				ok := post(ctx, client, url, body)
				lat := time.Since(t0)
				mu.Lock()
				res.sent++
				if !ok {
					res.failed++
				}
				res.latencies = append(res.latencies, lat)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res
}

func post(ctx context.Context, client *http.Client, url string, body []byte) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err == nil && resp.StatusCode == http.StatusOK
}

func (r loadResult) String() string {
	return fmt.Sprintf("%d reviews in %.1fs (%.0f/s), %d failed, p50 %s, p99 %s", r.sent, r.elapsed.Seconds(), r.rate(),
		r.failed, r.percentile(50).Round(time.Microsecond), r.percentile(99).Round(time.Microsecond))
}
