package server

import (
	"context"
	"maps"
	"slices"
	"time"
)

// dataStatusJSON is the overview's "database": how old the vulnerability
// data is and how it is kept current.
type dataStatusJSON struct {
	Built   *time.Time `json:"built"`
	Updated *time.Time `json:"updated"`
	// CurrentAt is when the data was last known current: Updated, or a
	// later refresh that found nothing new upstream.
	CurrentAt *time.Time `json:"currentAt"`
	// AgeSeconds is the time since CurrentAt; nil without data.
	AgeSeconds        *int64      `json:"ageSeconds"`
	Stale             bool        `json:"stale"`
	StaleAfterSeconds int64       `json:"staleAfterSeconds"`
	Sources           []string    `json:"sources"`
	Refresh           refreshJSON `json:"refresh"`
}

// refreshJSON says how the server refreshes the data: every EverySeconds
// (0: never, as with --offline), when it last tried and what went wrong.
type refreshJSON struct {
	EverySeconds int64      `json:"everySeconds"`
	LastAttempt  *time.Time `json:"lastAttempt"`
	LastError    string     `json:"lastError,omitempty"`
}

// dataStatus describes the vulnerability data as of now.
func (s *Server) dataStatus(ctx context.Context, now time.Time) (dataStatusJSON, error) {
	d := dataStatusJSON{Sources: []string{}, StaleAfterSeconds: int64(s.opts.DataStaleAfter.Seconds()),
		Refresh: refreshJSON{EverySeconds: int64(s.opts.DataRefresh.Seconds())}}
	if c, err := s.database(); err == nil {
		m := c.db.Meta()
		current := s.dataCurrentAt(ctx, m)
		d.Built, d.Updated, d.CurrentAt = optTime(m.Built), optTime(m.Updated), optTime(current)
		age := int64(now.Sub(current).Seconds())
		d.AgeSeconds = &age
		d.Stale = s.opts.DataStaleAfter > 0 && now.Sub(current) >= s.opts.DataStaleAfter
		d.Sources = slices.Sorted(maps.Keys(m.Sources))
	}
	at, err := s.settingTime(ctx, settingRefreshAt)
	if err != nil {
		return d, err
	}
	d.Refresh.LastAttempt = optTime(at)
	d.Refresh.LastError, err = s.store.Setting(ctx, settingRefreshErr)
	return d, err
}
