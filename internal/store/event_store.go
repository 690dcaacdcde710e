package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"
)

// Event is a registry notification.
type Event struct {
	EventID    string // the registry's event ID
	Source     string // "distribution", "harbor"
	Action     string // push, pull, delete
	RegistryID int64
	Repository string
	Digest     string
	Tag        string
	At         time.Time
}

// SaveEvents stores events, ignoring those whose EventID it already has,
// and in the same transaction acts on the new ones: a push upserts the
// image and enqueues a scan job for it (unless one is pending), a pull
// records the pull, a delete with a digest marks the image deleted and one
// with only a tag takes the tag off the repository's images. It returns
// the IDs of the jobs it enqueued. An event without an EventID gets one
// derived from its fields, so a redelivery is still recognised.
func (s *Store) SaveEvents(ctx context.Context, evs []Event) ([]int64, error) {
	var jobs []int64
	err := s.tx(ctx, func(c conn) error {
		jobs = jobs[:0]
		now := s.nowTime()
		for i := range evs {
			id, err := saveEvent(ctx, c, evs[i], now)
			if err != nil {
				return fmt.Errorf("event %q (%s %s@%s): %w", evs[i].EventID, evs[i].Action, evs[i].Repository, evs[i].Digest, err)
			}
			if id != 0 {
				jobs = append(jobs, id)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("save %d events: %w", len(evs), err)
	}
	return jobs, nil
}

// saveEvent stores one event and acts on it if it is new; it returns the
// ID of the job it enqueued, if any.
func saveEvent(ctx context.Context, c conn, ev Event, now time.Time) (int64, error) {
	if ev.EventID == "" {
		ev.EventID = derivedEventID(ev)
	}
	res, err := c.exec(ctx, `INSERT INTO events (event_id, source, action, registry_id, repository, digest, tag, at, received_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING`,
		ev.EventID, ev.Source, ev.Action, ev.RegistryID, ev.Repository, ev.Digest, ev.Tag, toDB(ev.At), toDB(now))
	if err != nil {
		return 0, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return 0, err // a redelivery
	}
	switch {
	case ev.Action == "push" && ev.Digest != "":
		imageID, _, err := upsertImage(ctx, c, ev.RegistryID, ev.Repository, ev.Digest, ev.Tag, ev.At, true)
		if err != nil {
			return 0, err
		}
		jobID, created, err := enqueue(ctx, c, Job{Kind: "scan", ImageID: imageID}, now)
		if err != nil || !created {
			return 0, err
		}
		return jobID, nil
	case ev.Action == "pull" && ev.Digest != "":
		return 0, recordPull(ctx, c, ev.RegistryID, ev.Repository, ev.Digest, ev.At)
	case ev.Action == "delete" && ev.Digest != "":
		_, err := c.exec(ctx, "UPDATE images SET deleted = TRUE WHERE registry_id = ? AND repository = ? AND digest = ?",
			ev.RegistryID, ev.Repository, ev.Digest)
		return 0, err
	case ev.Action == "delete" && ev.Tag != "":
		return 0, untag(ctx, c, ev.RegistryID, ev.Repository, ev.Tag)
	}
	return 0, nil
}

// derivedEventID names an event that came without an ID by its content.
func derivedEventID(ev Event) string {
	h := sha256.New()
	for _, f := range []string{ev.Source, ev.Action, strconv.FormatInt(ev.RegistryID, 10), ev.Repository, ev.Digest, ev.Tag,
		strconv.FormatInt(ev.At.UnixNano(), 10)} {
		h.Write([]byte(f))
		h.Write([]byte{0})
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}
