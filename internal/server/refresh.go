package server

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/bulwarksec/bulwark/internal/vulndb"
)

const (
	// refreshLease is the store lease that lets one replica at a time
	// download the data into the shared database directory.
	refreshLease = "vulndb.refresh"
	// refreshTimeout bounds one download and rebuild; the lease outlives
	// it so that no other replica starts meanwhile.
	refreshTimeout = time.Hour
	// refreshRetry is how soon a failed refresh is tried again (at most
	// the refresh interval).
	refreshRetry = 15 * time.Minute
	// Settings recording the last refresh: when it started, and its
	// error ("" when it succeeded).
	settingRefreshAt  = "vulndb.refresh.at"
	settingRefreshErr = "vulndb.refresh.error"
	// settingCurrentAt is when a refresh last found the database already
	// current (upstream had nothing new, so the file was not rebuilt).
	settingCurrentAt = "vulndb.current.at"
)

// refreshLoop keeps the vulnerability data current until ctx ends: every
// tick it raises or resolves the stale-data alert, and downloads new data
// when a refresh is due. It runs beside the workers, so scans never wait
// for a download; the new database is swapped in by rename and noticed by
// checkDB.
func (s *Server) refreshLoop(ctx context.Context) {
	tick := time.NewTicker(s.opts.Tick)
	defer tick.Stop()
	for {
		now := time.Now()
		if err := s.checkStale(ctx, now); err != nil && ctx.Err() == nil {
			s.log.Error("stale data check", "err", err)
		}
		if err := s.refreshIfDue(ctx, now); err != nil && ctx.Err() == nil {
			s.log.Warn("vulnerability data refresh failed; the previous data stays in use", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// refreshIfDue runs `bulwark db update` with the server's sources when
// the data is older than DataRefresh (or the last attempt failed more than
// refreshRetry ago), on the one replica that takes the lease.
func (s *Server) refreshIfDue(ctx context.Context, now time.Time) error {
	if s.opts.DataRefresh <= 0 {
		return nil
	}
	if due, err := s.refreshDue(ctx, now); err != nil || !due {
		return err
	}
	ok, err := s.store.TryLease(ctx, refreshLease, s.opts.WorkerID, refreshTimeout+time.Minute)
	if err != nil || !ok {
		return err
	}
	defer s.store.ReleaseLease(context.WithoutCancel(ctx), refreshLease, s.opts.WorkerID)
	// Another replica may have finished between the check and the lease.
	if due, err := s.refreshDue(ctx, now); err != nil || !due {
		return err
	}
	if err := s.store.SetSetting(ctx, settingRefreshAt, now.UTC().Format(time.RFC3339Nano)); err != nil {
		return err
	}
	err = s.refresh(ctx, now)
	msg := ""
	if err != nil {
		msg = redactURLs(err.Error(), s.opts.DataSources)
	}
	if serr := s.store.SetSetting(context.WithoutCancel(ctx), settingRefreshErr, msg); err == nil {
		err = serr
	}
	return err
}

// refresh downloads and rebuilds the database.
func (s *Server) refresh(ctx context.Context, now time.Time) error {
	feeds, err := s.opts.DataSources.Feeds(now)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, refreshTimeout)
	defer cancel()
	start := time.Now()
	res, err := vulndb.Update(ctx, s.opts.DBDir, vulndb.UpdateOptions{Feeds: feeds, Client: s.opts.DataClient})
	if err != nil {
		return err
	}
	if vulndb.Unchanged(res) {
		s.log.Info("vulnerability data is current; nothing new upstream", "feeds", len(res))
		return s.store.SetSetting(ctx, settingCurrentAt, now.UTC().Format(time.RFC3339Nano))
	}
	records := 0
	for _, r := range res {
		records += r.Import.Records
	}
	s.log.Info("vulnerability data refreshed", "feeds", len(res), "records", records, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// refreshDue says whether the data should be downloaded again: the last
// refresh (or the database's own update, by `bulwark db update` or
// import) is DataRefresh old, or refreshRetry when the last one failed.
func (s *Server) refreshDue(ctx context.Context, now time.Time) (bool, error) {
	at, err := s.settingTime(ctx, settingRefreshAt)
	if err != nil {
		return false, err
	}
	failed, err := s.store.Setting(ctx, settingRefreshErr)
	if err != nil {
		return false, err
	}
	wait := s.opts.DataRefresh
	if failed != "" {
		wait = min(wait, refreshRetry)
	} else if c, err := s.database(); err == nil && c.db.Meta().Updated.After(at) {
		at = c.db.Meta().Updated // a database that cannot be opened is due too
	}
	return now.Sub(at) >= wait, nil
}

// redactURLs hides the passwords of mirror URLs in msg, which readers of
// the overview see.
func redactURLs(msg string, src vulndb.Sources) string {
	feeds, _ := src.Feeds(time.Now())
	for _, f := range feeds {
		if u, err := url.Parse(f.URL); err == nil && u.User != nil {
			msg = strings.ReplaceAll(msg, f.URL, u.Redacted())
		}
	}
	return msg
}

// settingTime reads a time setting; zero when unset or unreadable.
// dataCurrentAt is when the data was last known current: its own update,
// or a later refresh that found nothing new upstream.
func (s *Server) dataCurrentAt(ctx context.Context, m vulndb.Meta) time.Time {
	at, err := s.settingTime(ctx, settingCurrentAt)
	if err != nil || !at.After(m.Updated) {
		return m.Updated
	}
	return at
}

func (s *Server) settingTime(ctx context.Context, key string) (time.Time, error) {
	v, err := s.store.Setting(ctx, key)
	if err != nil || v == "" {
		return time.Time{}, err
	}
	t, _ := time.Parse(time.RFC3339Nano, v)
	return t, nil
}
