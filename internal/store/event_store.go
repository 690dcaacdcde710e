package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
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
// records the pull, and a delete enqueues a job that confirms it with the
// registry before ApplyDelete acts on it. It returns
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
	case ev.Action == "delete" && (ev.Digest != "" || ev.Tag != ""):
		// A notification is only a claim: the image leaves the views once
		// the registry confirms it is gone (a confirm-delete job).
		ref, err := json.Marshal(DeleteClaim{RegistryID: ev.RegistryID, Repository: ev.Repository, Digest: ev.Digest, Tag: ev.Tag})
		if err != nil {
			return 0, err
		}
		jobID, created, err := enqueue(ctx, c, Job{Kind: JobConfirmDelete, Ref: string(ref)}, now)
		if err != nil || !created {
			return 0, err
		}
		return jobID, nil
	}
	return 0, nil
}

// JobConfirmDelete is the kind of job that checks a delete notification
// with the registry before applying it; its Ref is a DeleteClaim in JSON.
const JobConfirmDelete = "confirm-delete"

// DeleteClaim is what a delete notification says is gone: an image by
// digest, or a tag.
type DeleteClaim struct {
	RegistryID int64  `json:"registry"`
	Repository string `json:"repository"`
	Digest     string `json:"digest,omitempty"`
	Tag        string `json:"tag,omitempty"`
}

// ApplyDelete acts on a confirmed delete: the image with the claim's
// digest is marked deleted, or, for a claim with only a tag, the tag is
// taken off the repository's images.
func (s *Store) ApplyDelete(ctx context.Context, d DeleteClaim) error {
	err := s.tx(ctx, func(c conn) error {
		if d.Digest != "" {
			_, err := c.exec(ctx, "UPDATE images SET deleted = TRUE WHERE registry_id = ? AND repository = ? AND digest = ?",
				d.RegistryID, d.Repository, d.Digest)
			return err
		}
		return untag(ctx, c, d.RegistryID, d.Repository, d.Tag)
	})
	if err != nil {
		return fmt.Errorf("apply delete of %s@%s%s: %w", d.Repository, d.Digest, d.Tag, err)
	}
	return nil
}

// PendingScans counts the scan jobs waiting or running for a registry's
// images.
func (s *Store) PendingScans(ctx context.Context, registryID int64) (int, error) {
	var n int
	err := s.reader().row(ctx, `SELECT COUNT(*) FROM jobs j JOIN images i ON i.id = j.image_id
		WHERE j.state = 'pending' AND j.kind = 'scan' AND i.registry_id = ?`, registryID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count pending scans of registry %d: %w", registryID, err)
	}
	return n, nil
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
