package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/image"
	"github.com/bulwarksec/bulwark/internal/match"
	"github.com/bulwarksec/bulwark/internal/sbom"
	"github.com/bulwarksec/bulwark/internal/scan"
	"github.com/bulwarksec/bulwark/internal/store"
	"github.com/bulwarksec/bulwark/internal/vulndb"
)

// Job kinds.
const (
	jobScan    = "scan"
	jobRematch = "rematch"
	jobSync    = "sync"
)

const (
	jobLease    = 30 * time.Second
	maxAttempts = 5
)

func randomID() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// worker claims and runs jobs until ctx ends.
func (s *Server) worker(ctx context.Context, n int) {
	id := s.opts.WorkerID + "/" + strconv.Itoa(n)
	for ctx.Err() == nil {
		job, err := s.store.Claim(ctx, id, jobLease)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Error("claim job", "err", err)
			}
			sleep(ctx, 2*time.Second)
			continue
		}
		if job == nil {
			select {
			case <-ctx.Done():
			case <-s.wakeCh:
			case <-time.After(2 * time.Second):
			}
			continue
		}
		s.run(ctx, id, job)
	}
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// run runs one job with a heartbeat that keeps its lease, and records the
// outcome. A job whose process dies is claimed again once its lease ends.
func (s *Server) run(ctx context.Context, worker string, job *store.Job) {
	jctx, cancel := context.WithTimeout(ctx, s.opts.ScanTimeout)
	defer cancel()
	beat := time.NewTicker(jobLease / 3)
	defer beat.Stop()
	done := make(chan error, 1)
	start := time.Now()
	if job.Attempts <= 1 && !job.CreatedAt.IsZero() {
		s.metrics.queueWait.WithLabelValues(job.Kind).Observe(start.Sub(job.CreatedAt).Seconds())
	}
	s.metrics.running.Inc()
	go func() { done <- s.runJob(jctx, job) }()
	var err error
loop:
	for {
		select {
		case err = <-done:
			break loop
		case <-beat.C:
			if e := s.store.Extend(ctx, job.ID, worker, jobLease); e != nil {
				s.log.Warn("job lease lost", "job", job.ID, "err", e)
				cancel()
			}
		}
	}
	s.metrics.running.Dec()
	s.metrics.jobs.WithLabelValues(job.Kind, outcome(err)).Inc()
	s.metrics.jobSeconds.WithLabelValues(job.Kind).Observe(time.Since(start).Seconds())
	if err == nil {
		return // completed by the job itself, in the transaction that saved its result
	}
	if ctx.Err() != nil {
		return // shutting down: the lease runs out and another worker takes it
	}
	if errors.Is(err, errRegistryBusy) {
		// Another job holds this registry's share of workers: wait, the
		// attempt given back.
		if e := s.store.Release(ctx, job.ID, time.Now().Add(5*time.Second)); e != nil {
			s.log.Error("release job", "job", job.ID, "err", e)
		}
		return
	}
	if errors.Is(err, vulndb.ErrNoDatabase) {
		// Not the job's fault: wait for data without using up attempts.
		if e := s.store.Fail(ctx, job.ID, err.Error(), time.Now().Add(30*time.Second), 0); e != nil {
			s.log.Error("record job failure", "job", job.ID, "err", e)
		}
		return
	}
	backoff := time.Duration(30<<min(job.Attempts, 7)) * time.Second
	s.log.Warn("job failed", "job", job.ID, "kind", job.Kind, "attempt", job.Attempts, "err", err)
	if e := s.store.Fail(ctx, job.ID, shortError(err), time.Now().Add(backoff), maxAttempts); e != nil {
		s.log.Error("record job failure", "job", job.ID, "err", e)
	}
}

func outcome(err error) string {
	if err != nil {
		return "failed"
	}
	return "done"
}

func (s *Server) runJob(ctx context.Context, job *store.Job) error {
	switch job.Kind {
	case jobScan:
		return s.scan(ctx, job)
	case jobRematch:
		return s.rematch(ctx, job)
	case jobSync:
		id, err := strconv.ParseInt(job.Ref, 10, 64)
		if err != nil {
			return fmt.Errorf("sync job without a registry: %q", job.Ref)
		}
		err = s.syncRegistry(ctx, id)
		if err == nil {
			err = s.store.Complete(ctx, job.ID)
		}
		return err
	case store.JobConfirmDelete:
		return s.confirmDelete(ctx, job)
	}
	// A kind this version does not know (a newer replica's?): dead at once.
	return s.store.Fail(ctx, job.ID, "unknown job kind "+job.Kind, time.Now(), 1)
}

// imageOptions are how a connected registry's images are opened.
func (s *Server) imageOptions(reg *store.Registry) image.Options {
	opts := image.Options{TempDir: s.opts.TempDir, Transport: s.transport}
	if reg.Insecure {
		opts.InsecureRegistries = []string{reg.Host}
	}
	opts.Credentials = func(host string) (string, string, bool) {
		if host != reg.Host {
			return "", "", false
		}
		secret, err := s.opts.Sealer.Open(reg.Secret)
		if err != nil {
			s.log.Error("registry credentials", "registry", reg.Name, "err", err)
			return "", "", false
		}
		return reg.Username, secret, reg.Username != "" || secret != ""
	}
	return opts
}

// scan evaluates an image: the SBOM an earlier attempt kept when it found
// no vulnerability data, else the image downloaded and catalogued. Without
// data the SBOM is kept, so that waiting for data never pulls again.
func (s *Server) scan(ctx context.Context, job *store.Job) error {
	img, err := s.jobImage(ctx, job)
	if img == nil || err != nil {
		return err
	}
	if !img.Scanned {
		blob, err := s.store.ScanSBOM(ctx, img.ID)
		if err == nil && len(blob) > 0 {
			return s.evaluateStored(ctx, job.ID, img, blob)
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	sb, err := s.catalog(ctx, img)
	if err != nil {
		return err
	}
	blob, err := encodeSBOM(sb)
	if err != nil {
		return err
	}
	err = s.evaluate(ctx, job.ID, img, sb, blob)
	if errors.Is(err, vulndb.ErrNoDatabase) {
		if e := s.store.SaveSBOM(ctx, img.ID, blob); e != nil {
			return fmt.Errorf("keep the SBOM until data arrives: %w", e)
		}
	}
	return err
}

// jobImage is the image of job; nil, with the job completed, when the
// image was removed meanwhile.
func (s *Server) jobImage(ctx context.Context, job *store.Job) (*store.Image, error) {
	img, err := s.store.Image(ctx, job.ImageID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, s.store.Complete(ctx, job.ID)
	}
	return img, err
}

// catalog downloads img from its registry and lists its packages.
func (s *Server) catalog(ctx context.Context, img *store.Image) (*sbom.SBOM, error) {
	reg, err := s.store.Registry(ctx, img.RegistryID)
	if err != nil {
		return nil, err
	}
	release, ok := s.slots.take(reg.ID)
	if !ok {
		return nil, errRegistryBusy
	}
	defer release()
	t, err := image.ParseTarget("registry:" + reg.Host + "/" + img.Repository + "@" + img.Digest)
	if err != nil {
		return nil, err
	}
	return scan.Catalog(ctx, t, sbom.TargetOptions{Image: s.imageOptions(reg)})
}

// rematch evaluates an image's stored SBOM against the current data,
// without downloading the image.
func (s *Server) rematch(ctx context.Context, job *store.Job) error {
	img, err := s.jobImage(ctx, job)
	if img == nil || err != nil {
		return err
	}
	blob, err := s.store.ScanSBOM(ctx, img.ID)
	if errors.Is(err, store.ErrNotFound) {
		_, err = s.store.Enqueue(ctx, store.Job{Kind: jobScan, ImageID: img.ID})
		if err == nil {
			err = s.store.Complete(ctx, job.ID)
		}
		return err
	}
	if err != nil {
		return err
	}
	return s.evaluateStored(ctx, job.ID, img, blob)
}

// evaluateStored evaluates a stored SBOM.
func (s *Server) evaluateStored(ctx context.Context, jobID int64, img *store.Image, blob []byte) error {
	sb, err := decodeSBOM(blob)
	if err != nil {
		return fmt.Errorf("stored SBOM of image %d: %w", img.ID, err)
	}
	return s.evaluate(ctx, jobID, img, sb, blob)
}

// evaluate matches sb, applies the finding rules and the health policy,
// and saves the result with blob, sb's stored form (completing the job in
// the same transaction).
func (s *Server) evaluate(ctx context.Context, jobID int64, img *store.Image, sb *sbom.SBOM, blob []byte) error {
	src, err := s.database()
	if err != nil {
		return err
	}
	rules, err := s.findingRules(ctx)
	if err != nil {
		return err
	}
	res, err := scan.Evaluate(ctx, src, sb, scan.Options{Policy: s.opts.Policy, Drop: disabledBy(rules)})
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	rep := res.Report("bulwark", s.opts.Version, now)
	repJSON, err := json.Marshal(rep) // compact: stored, not read by people
	if err != nil {
		return err
	}
	r := store.ScanResult{ImageID: img.ID, ScannedAt: now, OS: sb.Distro.PrettyName, Packages: len(sb.Packages),
		Healthy: rep.Verdict.Healthy, Fixable: rep.Summary.Fixable, SBOM: blob, Report: repJSON, Findings: rep.Findings}
	for _, f := range rep.Findings {
		addCount(&r.Counts, f.Severity)
	}
	if err := s.store.SaveScan(ctx, r, jobID); err != nil {
		return err
	}
	s.metrics.scanned.Inc()
	if img.Scanned && img.Healthy && !r.Healthy {
		s.imageTurnedUnhealthy(ctx, img, rep)
	}
	return nil
}

func addCount(c *store.Counts, s finding.Severity) {
	switch s {
	case finding.SeverityCritical:
		c.Critical++
	case finding.SeverityHigh:
		c.High++
	case finding.SeverityMedium:
		c.Medium++
	case finding.SeverityLow:
		c.Low++
	case finding.SeverityInformational:
		c.Informational++
	default:
		c.Unknown++
	}
}

// disabledBy says whether rules disable a finding (by ID, or at or below a
// severity).
func disabledBy(rules []store.FindingRule) func(match.Vulnerability) bool {
	return func(v match.Vulnerability) bool {
		for _, r := range rules {
			idOK := r.VulnID == "" || r.VulnID == v.ID
			sevOK := true
			if r.MaxSeverity != "" {
				max, err := finding.ParseSeverity(r.MaxSeverity)
				sevOK = err == nil && v.Rating.Severity <= max
			}
			if idOK && sevOK && (r.VulnID != "" || r.MaxSeverity != "") {
				return true
			}
		}
		return false
	}
}

// ruleCacheTTL is how long a replica keeps the finding rules it read.
const ruleCacheTTL = time.Second

// findingRules are the rules disabling findings, read at most once per
// ruleCacheTTL (a re-match of every image evaluates thousands in a row; a
// change of rules itself queues a re-match).
func (s *Server) findingRules(ctx context.Context) ([]store.FindingRule, error) {
	s.rulesMu.Lock()
	defer s.rulesMu.Unlock()
	if time.Since(s.rulesAt) < ruleCacheTTL {
		return s.rules, nil
	}
	rules, err := s.store.FindingRules(ctx)
	if err != nil {
		return nil, err
	}
	s.rules, s.rulesAt = rules, time.Now()
	return rules, nil
}
