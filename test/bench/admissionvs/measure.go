package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// inProcess is a side's cost without the network: one review at a time,
// then every core busy.
type inProcess struct {
	perReview    time.Duration // wall time of one review, one goroutine
	cpuPerReview time.Duration // process CPU time per review, one goroutine
	parallelRate float64       // reviews per second, GOMAXPROCS goroutines
}

func measureInProcess(s side, d time.Duration) (inProcess, error) {
	var r inProcess
	serve := func() error {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/validate", bytes.NewReader(s.body))
		req.Header.Set("Content-Type", "application/json")
		s.handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			return fmt.Errorf("%s: status %d: %s", s.name, rec.Code, rec.Body)
		}
		return nil
	}
	runtime.GC()
	cpu0, start, n := cpuTime(), time.Now(), 0
	for time.Since(start) < d/2 {
		if err := serve(); err != nil {
			return r, err
		}
		n++
	}
	r.perReview = time.Since(start) / time.Duration(n)
	r.cpuPerReview = (cpuTime() - cpu0) / time.Duration(n)

	var count atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	start = time.Now()
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Since(start) < d/2 {
				if err := serve(); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				count.Add(1)
			}
		}()
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return r, err
	}
	r.parallelRate = float64(count.Load()) / time.Since(start).Seconds()
	return r, nil
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// overTLS is a side served over TLS on loopback: a fixed-rate run and a
// saturation run (the load generator shares the machine's cores).
type overTLS struct {
	fixed, saturated loadResult
	// server is the fixed-rate run seen inside the server: from the
	// handler's call (TLS and HTTP parsed) to its return.
	server loadResult
}

// timedHandler records how long its handler takes per request.
type timedHandler struct {
	next http.Handler
	mu   sync.Mutex
	lat  []time.Duration
}

func (t *timedHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	t.next.ServeHTTP(w, r)
	d := time.Since(start)
	t.mu.Lock()
	t.lat = append(t.lat, d)
	t.mu.Unlock()
}

func (t *timedHandler) reset() { t.mu.Lock(); t.lat = t.lat[:0]; t.mu.Unlock() }

func (t *timedHandler) result() loadResult {
	t.mu.Lock()
	defer t.mu.Unlock()
	return loadResult{sent: len(t.lat), latencies: append([]time.Duration(nil), t.lat...)}
}

func measureTLS(ctx context.Context, s side, d time.Duration, rate, conc int) (overTLS, error) {
	cert, err := selfSigned()
	if err != nil {
		return overTLS{}, err
	}
	timed := &timedHandler{next: s.handler}
	url, client, stop, err := serveTLS(timed, cert)
	if err != nil {
		return overTLS{}, err
	}
	defer stop()
	// Warm the connections and the handler before timing.
	closedLoop(ctx, client, url, s.body, conc, time.Second)
	var r overTLS
	timed.reset()
	r.fixed = openLoop(ctx, client, url, s.body, rate, d)
	r.server = timed.result()
	r.saturated = closedLoop(ctx, client, url, s.body, conc, d)
	for _, l := range []loadResult{r.fixed, r.saturated} {
		if l.failed > 0 {
			return r, fmt.Errorf("%s over TLS: %d of %d requests failed", s.name, l.failed, l.sent)
		}
	}
	return r, nil
}

// selfSigned makes a P-256 certificate for 127.0.0.1, as the webhook's
// generated one is.
func selfSigned() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "admissionvs"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

func report(w io.Writer, sides []side, in []inProcess, tl []overTLS, rate int) {
	fmt.Fprintf(w, "%-44s %12s %12s %14s | %-58s | %-24s | %s\n", "in process / over TLS", "per review", "CPU/review", "reviews/s (all cores)",
		fmt.Sprintf("TLS at %d/s: achieved, p50, p99", rate), "in server: p50, p99", "TLS saturated: reviews/s, p99")
	for i, s := range sides {
		fmt.Fprintf(w, "%-44s %12s %12s %14.0f | %-58s | %-24s | %.0f/s, p99 %s\n", s.name,
			in[i].perReview.Round(time.Microsecond), in[i].cpuPerReview.Round(time.Microsecond), in[i].parallelRate,
			fmt.Sprintf("%.0f/s, p50 %s, p99 %s", tl[i].fixed.rate(), tl[i].fixed.percentile(50).Round(time.Microsecond),
				tl[i].fixed.percentile(99).Round(time.Microsecond)),
			fmt.Sprintf("%s, %s", tl[i].server.percentile(50).Round(time.Microsecond), tl[i].server.percentile(99).Round(time.Microsecond)),
			tl[i].saturated.rate(), tl[i].saturated.percentile(99).Round(time.Microsecond))
	}
	opa := len(sides) - 1
	for i := 1; i < opa; i++ {
		fmt.Fprintf(w, "%s vs OPA: %.1fx the reviews/s in process (all cores), %.1fx less CPU per review, %.1fx the reviews/s over TLS\n",
			sides[i].name, in[i].parallelRate/in[opa].parallelRate, float64(in[opa].cpuPerReview)/float64(in[i].cpuPerReview),
			tl[i].saturated.rate()/tl[opa].saturated.rate())
	}
}
