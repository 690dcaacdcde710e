package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/bulwarksec/bulwark/internal/image"
	"github.com/bulwarksec/bulwark/internal/report"
	"github.com/bulwarksec/bulwark/internal/store"
	"github.com/bulwarksec/bulwark/internal/vulndb"
)

// Rescan policy, as Defender's: images pushed within 90 days or pulled
// within 30 days are re-evaluated daily.
const (
	rescanAfter  = 24 * time.Hour
	pushedWithin = 90 * 24 * time.Hour
	pulledWithin = 30 * 24 * time.Hour
)

// schedule runs the periodic work until ctx ends: noticing new
// vulnerability data (and re-matching every stored SBOM), daily rescans,
// registry catalog syncs, and the daily history point.
func (s *Server) schedule(ctx context.Context) {
	tick := time.NewTicker(s.opts.Tick)
	defer tick.Stop()
	var lastRescan, lastSync time.Time
	warnedNoDB := false
	for {
		if err := s.checkDB(ctx); err != nil && ctx.Err() == nil {
			if !errors.Is(err, vulndb.ErrNoDatabase) {
				s.log.Warn("vulnerability database", "err", err)
			} else if !warnedNoDB {
				warnedNoDB = true
				s.log.Warn("no vulnerability data yet: scans wait for it", "fix", "bulwark db update --db-dir "+s.opts.DBDir)
			}
		}
		now := time.Now()
		if now.Sub(lastRescan) >= s.opts.RescanEvery {
			lastRescan = now
			if err := s.enqueueRescans(ctx, now); err != nil && ctx.Err() == nil {
				s.log.Error("rescan policy", "err", err)
			}
		}
		if now.Sub(lastSync) >= s.opts.SyncEvery {
			lastSync = now
			if err := s.enqueueSyncs(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("registry sync", "err", err)
			}
		}
		if err := s.recordDay(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("history", "err", err)
		}
		s.updateQueueMetrics(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (s *Server) enqueueRescans(ctx context.Context, now time.Time) error {
	ids, err := s.store.DueForRescan(ctx, now.Add(-rescanAfter), now.Add(-pushedWithin), now.Add(-pulledWithin), 10000)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := s.store.Enqueue(ctx, store.Job{Kind: jobRematch, ImageID: id}); err != nil {
			return err
		}
	}
	if len(ids) > 0 {
		s.log.Info("rescans queued", "images", len(ids))
		s.wake()
	}
	return nil
}

func (s *Server) enqueueSyncs(ctx context.Context) error {
	regs, err := s.store.Registries(ctx)
	if err != nil {
		return err
	}
	for _, r := range regs {
		if _, err := s.store.Enqueue(ctx, syncJob(r.ID)); err != nil {
			return err
		}
	}
	s.wake()
	return nil
}

// syncRegistry lists a registry's catalog: new digests are scanned (an
// import), and images no longer there are marked deleted.
func (s *Server) syncRegistry(ctx context.Context, id int64) error {
	reg, err := s.store.Registry(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	release, ok := s.slots.take(id)
	if !ok {
		return errRegistryBusy
	}
	defer release()
	tagged, err := image.ListRegistry(ctx, reg.Host, s.imageOptions(reg), s.opts.CatalogLimits)
	if err != nil {
		s.store.SetRegistrySync(ctx, id, time.Now().UTC(), shortError(err))
		return err
	}
	keep := map[string][]string{}
	now := time.Now().UTC()
	queued := 0
	for _, t := range tagged {
		keep[t.Repository] = append(keep[t.Repository], t.Digest)
		imgID, created, err := s.store.UpsertImage(ctx, id, t.Repository, t.Digest, t.Tag, now, false)
		if err != nil {
			return err
		}
		if created {
			if _, err := s.store.Enqueue(ctx, store.Job{Kind: jobScan, ImageID: imgID}); err != nil {
				return err
			}
			queued++
		}
	}
	gone, err := s.store.MarkDeleted(ctx, id, keep)
	if err != nil {
		return err
	}
	s.log.Info("registry synced", "registry", reg.Name, "tags", len(tagged), "new", queued, "deleted", gone)
	s.wake()
	return s.store.SetRegistrySync(ctx, id, now, "")
}

// database returns the open vulnerability database with its cache,
// opening it when needed.
func (s *Server) database() (*cachedDB, error) {
	s.dbMu.Lock()
	defer s.dbMu.Unlock()
	if s.db != nil {
		return s.db, nil
	}
	c, err := openCachedDB(s.opts.DBDir)
	if err != nil {
		return nil, err
	}
	s.db = c
	return c, nil
}

func (s *Server) closeDB() {
	s.dbMu.Lock()
	defer s.dbMu.Unlock()
	if s.db != nil {
		s.db.db.Close()
		s.db = nil
	}
}

// checkDB notices a new vulnerability database (written by `bulwark db
// update` or `db import`, here or by another process: each replaces the
// file by a rename) and re-matches every stored SBOM against it, once
// across replicas (the store remembers which database the results were
// matched with). While the file stays the one open, it costs a stat.
func (s *Server) checkDB(ctx context.Context) error {
	info, err := os.Stat(vulndb.Path(s.opts.DBDir))
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w in %s", vulndb.ErrNoDatabase, s.opts.DBDir)
	}
	if err != nil {
		return err
	}
	s.dbMu.Lock()
	old := s.db
	s.dbMu.Unlock()
	if old != nil && os.SameFile(old.file, info) {
		return nil
	}
	c, err := openCachedDB(s.opts.DBDir)
	if err != nil {
		return err
	}
	s.dbMu.Lock()
	s.db = c
	s.dbMu.Unlock()
	if old != nil {
		go func() { time.Sleep(time.Minute); old.db.Close() }() // let scans in flight finish with it
	}
	stamp := c.db.Meta().Built.UTC().Format(time.RFC3339Nano)
	prev, err := s.store.Setting(ctx, "vulndb.built")
	if err != nil || prev == stamp {
		return err
	}
	if err := s.store.SetSetting(ctx, "vulndb.built", stamp); err != nil {
		return err
	}
	if prev == "" {
		return nil // the first database: nothing was matched before
	}
	n, err := s.enqueueRematchAll(ctx)
	s.log.Info("vulnerability data changed: re-matching stored SBOMs", "images", n)
	return err
}

// enqueueRematchAll queues a re-match of every scanned image. The jobs
// start after ruleCacheTTL so that every replica's cached finding rules
// are fresh by then.
func (s *Server) enqueueRematchAll(ctx context.Context) (int, error) {
	n := 0
	notBefore := time.Now().Add(ruleCacheTTL + 500*time.Millisecond)
	for off := 0; ; off += 500 {
		imgs, _, err := s.store.ListImages(ctx, store.ImageFilter{Limit: 500, Offset: off})
		if err != nil {
			return n, err
		}
		for _, img := range imgs {
			if !img.Scanned {
				continue
			}
			if _, err := s.store.Enqueue(ctx, store.Job{Kind: jobRematch, ImageID: img.ID, NotBefore: notBefore}); err != nil {
				return n, err
			}
			n++
		}
		if len(imgs) < 500 {
			break
		}
	}
	s.wake()
	return n, nil
}

func (s *Server) recordDay(ctx context.Context) error {
	t, err := s.store.Totals(ctx)
	if err != nil {
		return err
	}
	day := time.Now().UTC().Truncate(24 * time.Hour)
	return s.store.RecordDay(ctx, store.DayCounts{Day: day, Counts: t.Counts, Images: t.Images, Unhealthy: t.Unhealthy})
}

// imageTurnedUnhealthy raises an alert (folded by image) when a scan finds
// an image that was healthy unhealthy now.
func (s *Server) imageTurnedUnhealthy(ctx context.Context, img *store.Image, rep *report.Image) {
	ev, _ := json.Marshal(map[string]any{"summary": rep.Summary, "verdict": rep.Verdict})
	a := &store.Alert{
		Fingerprint: "IMAGE_Unhealthy/" + img.Digest,
		Type:        "IMAGE_Unhealthy",
		Title:       fmt.Sprintf("Image %s became unhealthy", img.Repository),
		Severity:    "high",
		Status:      "active",
		Entities:    map[string]string{"image": img.Repository + "@" + img.Digest, "registry": img.Registry},
		Evidence:    ev,
		Remediation: rep.Summary.Line(),
		Count:       1,
		FirstSeen:   time.Now().UTC(), LastSeen: time.Now().UTC(),
	}
	if _, err := s.store.UpsertAlert(ctx, a); err != nil {
		s.log.Error("alert", "err", err)
		return
	}
	s.notify(a)
}
