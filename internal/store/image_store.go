package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Image is one manifest (digest) in one repository of a registry, with
// the summary of its last scan.
type Image struct {
	ID                            int64
	RegistryID                    int64
	Registry                      string // the registry's Host, for display
	Repository                    string
	Digest                        string
	Tags                          []string
	OS                            string // e.g. "Debian GNU/Linux 12 (bookworm)"
	Packages                      int
	FirstSeen, LastSeen           time.Time
	PushedAt, PulledAt, ScannedAt time.Time // zero when never
	Scanned                       bool
	Healthy                       bool   // meaningful when Scanned
	Counts                        Counts // findings per severity from the last scan
	Fixable                       int
	Deleted                       bool // gone from the registry at the last sync; left out of lists by default
}

// Counts are findings per severity.
type Counts struct{ Critical, High, Medium, Low, Informational, Unknown int }

// The values of images.health.
const (
	healthUnscanned = "unscanned"
	healthHealthy   = "healthy"
	healthUnhealthy = "unhealthy"
)

const imageCols = `i.id, i.registry_id, r.host, i.repository, i.digest, i.tags, i.os, i.packages,
	i.first_seen, i.last_seen, i.pushed_at, i.pulled_at, i.scanned_at, i.health,
	i.c_critical, i.c_high, i.c_medium, i.c_low, i.c_info, i.c_unknown, i.fixable, i.deleted`

// UpsertImage records that digest exists in registry/repository (tag may
// be ""): it adds tag to Tags, and takes it from the repository's other
// digests since a tag names one manifest at a time; it sets LastSeen=at
// and, when pushed is true, PushedAt=at; a deleted image seen again is
// undeleted. created says whether the row is new.
func (s *Store) UpsertImage(ctx context.Context, registryID int64, repository, digest, tag string, at time.Time, pushed bool) (id int64, created bool, err error) {
	err = s.tx(ctx, func(c conn) error {
		id, created, err = upsertImage(ctx, c, registryID, repository, digest, tag, at, pushed)
		return err
	})
	if err != nil {
		return 0, false, fmt.Errorf("upsert image %s@%s: %w", repository, digest, err)
	}
	return id, created, nil
}

func upsertImage(ctx context.Context, c conn, registryID int64, repository, digest, tag string, at time.Time, pushed bool) (int64, bool, error) {
	var pushedAt int64
	if pushed {
		pushedAt = toDB(at)
	}
	if err := lockRepo(ctx, c, registryID, repository); err != nil {
		return 0, false, err
	}
	for range 3 {
		rows, err := lockRepoRows(ctx, c, registryID, repository, digest, tag)
		if err != nil {
			return 0, false, err
		}
		own := slices.IndexFunc(rows, func(r repoRow) bool { return r.digest == digest })
		var id int64
		created := own < 0
		if created {
			tags := addTag(nil, tag)
			err = c.row(ctx, `INSERT INTO images (registry_id, repository, digest, tags, search, first_seen, last_seen, pushed_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
				registryID, repository, digest, encodeList(tags), searchText(repository, tags), toDB(at), toDB(at), pushedAt).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				continue // another transaction inserted it first: update that row
			}
		} else {
			id = rows[own].id
			tags := addTag(rows[own].tags, tag)
			_, err = c.exec(ctx, `UPDATE images SET tags = ?, search = ?, last_seen = ?, deleted = FALSE,
				pushed_at = CASE WHEN ? THEN ? ELSE pushed_at END WHERE id = ?`,
				encodeList(tags), searchText(repository, tags), toDB(at), pushed, pushedAt, id)
		}
		if err != nil {
			return 0, false, err
		}
		return id, created, dropTag(ctx, c, repository, rows, digest, tag)
	}
	return 0, false, errors.New("the row kept changing under a concurrent writer")
}

// RecordPull sets PulledAt=at, creating the row if it is missing.
func (s *Store) RecordPull(ctx context.Context, registryID int64, repository, digest string, at time.Time) error {
	if err := recordPull(ctx, s.writer(), registryID, repository, digest, at); err != nil {
		return fmt.Errorf("record pull of %s@%s: %w", repository, digest, err)
	}
	return nil
}

func recordPull(ctx context.Context, c conn, registryID int64, repository, digest string, at time.Time) error {
	_, err := c.exec(ctx, `INSERT INTO images (registry_id, repository, digest, search, first_seen, last_seen, pulled_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (registry_id, repository, digest) DO UPDATE SET pulled_at = excluded.pulled_at`,
		registryID, repository, digest, searchText(repository, nil), toDB(at), toDB(at), toDB(at))
	return err
}

// Image returns one image; ErrNotFound when there is none.
func (s *Store) Image(ctx context.Context, id int64) (*Image, error) {
	var im Image
	err := scanImage(s.reader().row(ctx, "SELECT "+imageCols+" FROM images i JOIN registries r ON r.id = i.registry_id WHERE i.id = ?", id), &im)
	if err != nil {
		return nil, fmt.Errorf("image %d: %w", id, notFound(err))
	}
	return &im, nil
}

func scanImage(sc scanner, im *Image) error {
	var tags, health string
	var first, last, pushed, pulled, scanned int64
	err := sc.Scan(&im.ID, &im.RegistryID, &im.Registry, &im.Repository, &im.Digest, &tags, &im.OS, &im.Packages,
		&first, &last, &pushed, &pulled, &scanned, &health,
		&im.Counts.Critical, &im.Counts.High, &im.Counts.Medium, &im.Counts.Low, &im.Counts.Informational, &im.Counts.Unknown,
		&im.Fixable, &im.Deleted)
	if err != nil {
		return err
	}
	im.Tags = decodeList(tags)
	im.FirstSeen, im.LastSeen = fromDB(first), fromDB(last)
	im.PushedAt, im.PulledAt, im.ScannedAt = fromDB(pushed), fromDB(pulled), fromDB(scanned)
	im.Scanned, im.Healthy = health != healthUnscanned, health == healthHealthy
	return nil
}

// searchText is what Search matches: the repository and the tags, lower
// case, one per line.
func searchText(repository string, tags []string) string {
	return strings.ToLower(repository + "\n" + strings.Join(tags, "\n"))
}

// likeEscape quotes LIKE's wildcards for ESCAPE '\'.
func likeEscape(s string) string {
	if !strings.ContainsAny(s, `%_\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' || s[i] == '_' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// encodeList and decodeList store string lists as JSON arrays.
func encodeList(l []string) string {
	if len(l) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(l)
	return string(b)
}

func decodeList(s string) []string {
	var l []string
	if s == "" || s == "[]" {
		return nil
	}
	if err := json.Unmarshal([]byte(s), &l); err != nil {
		return nil
	}
	return l
}
