// Command admissionvs measures Bulwark's admission webhook beside OPA
// evaluating the Gatekeeper library's Rego for privileged containers, host
// namespaces, capabilities and allowed repositories, on the same review of
// a realistic workload, in one run on one machine:
//
//   - in process: the cost of one review (every built-in Bulwark rule
//     through the whole handler, against OPA's four templates as Gatekeeper
//     evaluates them), one goroutine, then reviews per second with every
//     core busy;
//   - over TLS on loopback: p50 and p99 at a fixed rate (2,000 reviews/s
//     by default) and the most reviews per second each sustains.
//
// Both answer the same AdmissionReview of the Deployment's pod (Gatekeeper's
// templates read pods), and Bulwark also the Deployment itself. A run in
// which either side fails a request or misjudges the check reviews fails.
//
// Usage: go run ./test/bench/admissionvs [-duration 10s] [-rate 2000]
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/bulwarksec/bulwark/internal/policy/builtin"
)

func main() {
	duration := flag.Duration("duration", 10*time.Second, "length of each timed run")
	rate := flag.Int("rate", 2000, "reviews per second of the fixed-rate run")
	conc := flag.Int("concurrency", 32, "requests in flight in the saturation run")
	object := flag.String("object", "internal/admission/testdata/bench-deployment.yaml", "the workload reviewed")
	templates := flag.String("gatekeeper", "test/bench/admissionvs/testdata/gatekeeper", "Gatekeeper library templates")
	flag.Parse()
	// As `bulwark admission serve` runs (unless GOGC is set), for every
	// side alike: OPA shares the process.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if err := run(context.Background(), *object, *templates, *duration, *rate, *conc); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, object, templates string, d time.Duration, rate, conc int) error {
	rv, err := loadReviews(object)
	if err != nil {
		return err
	}
	gk, err := loadGatekeeper(ctx, templates)
	if err != nil {
		return err
	}
	bw, err := newBulwark()
	if err != nil {
		return err
	}
	sides := []side{
		{"floor: a handler that allows without reading", floorHandler(), rv.pod},
		{"bulwark, Deployment, every rule", bw, rv.deployment},
		{"bulwark, Pod, every rule", bw, rv.pod},
		{fmt.Sprintf("OPA %s, Pod, %d Gatekeeper templates", opaVersion(), len(gk.queries)), gk.handler(), rv.pod},
	}
	if err := checkVerdicts(ctx, bw, gk, rv); err != nil {
		return err
	}
	gc := os.Getenv("GOGC")
	if gc == "" {
		gc = "400"
	}
	fmt.Printf("machine: %d cores (GOMAXPROCS %d), %s, GOGC %s, load average %s\n\n", runtime.NumCPU(), runtime.GOMAXPROCS(0),
		runtime.Version(), gc, loadAvg())
	inproc := make([]inProcess, len(sides))
	for i, s := range sides {
		if inproc[i], err = measureInProcess(s, d); err != nil {
			return err
		}
	}
	tls := make([]overTLS, len(sides))
	for i, s := range sides {
		if tls[i], err = measureTLS(ctx, s, d, rate, conc); err != nil {
			return err
		}
	}
	report(os.Stdout, sides, inproc, tls, rate)
	bwEval, opaEval, err := evalOnly(ctx, gk, rv.pod, d)
	if err != nil {
		return fmt.Errorf("evaluation only: %w", err)
	}
	fmt.Printf("rule evaluation alone, pod decoded beforehand: bulwark (%d rules) %s, OPA (%d templates) %s: %.1fx\n",
		len(builtin.Rules()), bwEval.Round(100*time.Nanosecond), len(gk.queries), opaEval.Round(100*time.Nanosecond),
		float64(opaEval)/float64(bwEval))
	return nil
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil || len(b) < 14 {
		return "unknown"
	}
	return string(b[:14])
}
