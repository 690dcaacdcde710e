package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Job is a unit of background work. Kinds: "scan" and "rematch" (ImageID
// set), "sync" (the registry ID in Ref).
type Job struct {
	ID          int64
	Kind        string
	ImageID     int64
	Ref         string
	Attempts    int
	NotBefore   time.Time
	LockedBy    string
	LockedUntil time.Time
	LastError   string
	CreatedAt   time.Time
}

// jobs.state is 'pending' (waiting, or running while its lease,
// locked_until, lasts), 'done' or 'dead'.

const jobCols = "id, kind, COALESCE(image_id, 0), ref, attempts, not_before, locked_by, locked_until, last_error, created_at"

// Enqueue adds j unless an equal job (same Kind, ImageID and Ref) is
// pending or running, and returns the ID of the one that is. A zero
// NotBefore means now.
func (s *Store) Enqueue(ctx context.Context, j Job) (int64, error) {
	var id int64
	err := s.tx(ctx, func(c conn) error {
		var err error
		id, _, err = enqueue(ctx, c, j, s.nowTime())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("enqueue %s job (image %d, ref %q): %w", j.Kind, j.ImageID, j.Ref, err)
	}
	return id, nil
}

// enqueue inserts j, or finds the pending job equal to it; created says
// which.
func enqueue(ctx context.Context, c conn, j Job, now time.Time) (id int64, created bool, err error) {
	if j.Kind == "" {
		return 0, false, errors.New("job has no kind")
	}
	notBefore := j.NotBefore
	if notBefore.IsZero() {
		notBefore = now
	}
	var imageID any
	if j.ImageID != 0 {
		imageID = j.ImageID
	}
	for range 3 {
		err = c.row(ctx, `INSERT INTO jobs (kind, image_id, ref, not_before, created_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT DO NOTHING RETURNING id`, j.Kind, imageID, j.Ref, toDB(notBefore), toDB(now)).Scan(&id)
		if err == nil {
			return id, true, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, false, err
		}
		err = c.row(ctx, `SELECT id FROM jobs WHERE kind = ? AND COALESCE(image_id, 0) = ? AND ref = ? AND state = 'pending'`,
			j.Kind, j.ImageID, j.Ref).Scan(&id)
		if err == nil {
			return id, false, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, false, err
		}
		// The pending job finished in between: try again.
	}
	return 0, false, errors.New("the pending job kept changing under a concurrent writer")
}

// Claim takes the runnable job (NotBefore <= now, not locked or its lease
// expired) that has waited longest, locks it for worker until now+lease
// and increments Attempts. Concurrent claimers never get the same job
// while its lease lasts (on PostgreSQL through FOR UPDATE SKIP LOCKED, on
// SQLite through its single writer). It returns nil, nil when no job is
// runnable.
func (s *Store) Claim(ctx context.Context, worker string, lease time.Duration) (*Job, error) {
	now := s.nowTime()
	var j Job
	err := scanJob(s.writer().row(ctx, `UPDATE jobs SET locked_by = ?, locked_until = ?, attempts = attempts + 1
		WHERE id = (SELECT id FROM jobs WHERE state = 'pending' AND not_before <= ? AND locked_until <= ?
			ORDER BY not_before, id LIMIT 1 {{skiplocked}})
		RETURNING `+jobCols, worker, toDB(now.Add(lease)), toDB(now), toDB(now)), &j)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("claim job for %s: %w", worker, err)
	}
	return &j, nil
}

// Complete marks the job done; completing a job twice is not an error.
func (s *Store) Complete(ctx context.Context, jobID int64) error {
	if err := completeJob(ctx, s.writer(), jobID, s.nowTime()); err != nil {
		return fmt.Errorf("complete job %d: %w", jobID, err)
	}
	return nil
}

func completeJob(ctx context.Context, c conn, jobID int64, now time.Time) error {
	return execOne(ctx, c, `UPDATE jobs SET state = CASE WHEN state = 'dead' THEN 'dead' ELSE 'done' END,
		locked_by = '', locked_until = 0, finished_at = ? WHERE id = ?`, toDB(now), jobID)
}

// Fail unlocks the job, records errText and schedules it at retryAt; once
// it has been attempted maxAttempts times (maxAttempts > 0) it is marked
// dead instead: kept, but never runnable. Failing a job that is already
// done or dead changes nothing.
func (s *Store) Fail(ctx context.Context, jobID int64, errText string, retryAt time.Time, maxAttempts int) error {
	err := s.tx(ctx, func(c conn) error {
		err := execOne(ctx, c, `UPDATE jobs SET locked_by = '', locked_until = 0, last_error = ?, not_before = ?,
			state = CASE WHEN ? > 0 AND attempts >= ? THEN 'dead' ELSE state END,
			finished_at = CASE WHEN ? > 0 AND attempts >= ? THEN ? ELSE finished_at END
			WHERE id = ? AND state = 'pending'`,
			errText, toDB(retryAt), maxAttempts, maxAttempts, maxAttempts, maxAttempts, toDB(s.nowTime()), jobID)
		if errors.Is(err, ErrNotFound) {
			var one int
			return notFound(c.row(ctx, "SELECT 1 FROM jobs WHERE id = ?", jobID).Scan(&one))
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("fail job %d: %w", jobID, err)
	}
	return nil
}

// Release unlocks a job its worker could not start now (not its fault:
// the attempt is given back) and makes it runnable again at retryAt.
func (s *Store) Release(ctx context.Context, jobID int64, retryAt time.Time) error {
	err := execOne(ctx, s.writer(), `UPDATE jobs SET locked_by = '', locked_until = 0, not_before = ?,
		attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END WHERE id = ? AND state = 'pending'`, toDB(retryAt), jobID)
	if err != nil {
		return fmt.Errorf("release job %d: %w", jobID, err)
	}
	return nil
}

// Extend renews the lease of a job worker holds (a heartbeat);
// ErrLeaseLost when worker no longer holds it.
func (s *Store) Extend(ctx context.Context, jobID int64, worker string, lease time.Duration) error {
	err := execOne(ctx, s.writer(), `UPDATE jobs SET locked_until = ? WHERE id = ? AND locked_by = ? AND state = 'pending'`,
		toDB(s.nowTime().Add(lease)), jobID, worker)
	if errors.Is(err, ErrNotFound) {
		err = ErrLeaseLost
	}
	if err != nil {
		return fmt.Errorf("extend job %d for %s: %w", jobID, worker, err)
	}
	return nil
}

// QueueStats counts jobs by state.
type QueueStats struct{ Pending, Running, Dead, Done int }

// QueueStats counts jobs: pending (waiting, including those scheduled
// later), running (leased), dead and done.
func (s *Store) QueueStats(ctx context.Context) (QueueStats, error) {
	now := toDB(s.nowTime())
	var q QueueStats
	err := s.reader().row(ctx, `SELECT
		COALESCE(SUM(CASE WHEN state = 'pending' AND locked_until <= ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN state = 'pending' AND locked_until > ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN state = 'dead' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN state = 'done' THEN 1 ELSE 0 END), 0)
		FROM jobs`, now, now).Scan(&q.Pending, &q.Running, &q.Dead, &q.Done)
	if err != nil {
		return QueueStats{}, fmt.Errorf("queue stats: %w", err)
	}
	return q, nil
}

func scanJob(sc scanner, j *Job) error {
	var notBefore, lockedUntil, created int64
	if err := sc.Scan(&j.ID, &j.Kind, &j.ImageID, &j.Ref, &j.Attempts, &notBefore, &j.LockedBy, &lockedUntil, &j.LastError, &created); err != nil {
		return err
	}
	j.NotBefore, j.LockedUntil, j.CreatedAt = fromDB(notBefore), fromDB(lockedUntil), fromDB(created)
	return nil
}
