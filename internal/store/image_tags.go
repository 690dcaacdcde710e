package store

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"
)

// repoLockSpace is the first key of the advisory locks lockRepo takes.
const repoLockSpace = 0x62776b // "bwk"

// lockRepo serialises the transactions that move tags within one
// repository, on PostgreSQL, until the transaction ends. Without it two
// pushes of one tag to two digests could each miss the row the other one
// tags (READ COMMITTED) and leave the tag on both. SQLite has one writer.
func lockRepo(ctx context.Context, c conn, registryID int64, repository string) error {
	if c.d.name != postgresName {
		return nil
	}
	h := fnv.New32a()
	fmt.Fprintf(h, "%d\x00%s", registryID, repository)
	_, err := c.exec(ctx, "SELECT pg_advisory_xact_lock(?, ?)", int32(repoLockSpace), int32(h.Sum32()))
	return err
}

// repoRow is an image row of one repository, locked for update.
type repoRow struct {
	id     int64
	digest string
	tags   []string
}

// lockRepoRows locks, in ID order so that concurrent moves of tags never
// deadlock, the repository's row for digest and the rows that may hold
// tag (LIKE on the JSON finds candidates, case-insensitively on SQLite;
// callers look at the decoded tags).
func lockRepoRows(ctx context.Context, c conn, registryID int64, repository, digest, tag string) ([]repoRow, error) {
	q := "SELECT id, digest, tags FROM images WHERE registry_id = ? AND repository = ? AND (digest = ?"
	args := []any{registryID, repository, digest}
	if tag != "" {
		quoted, _ := json.Marshal(tag)
		q += ` OR tags LIKE ? ESCAPE '\'`
		args = append(args, "%"+likeEscape(string(quoted))+"%")
	}
	rows, err := c.query(ctx, q+") ORDER BY id {{forupdate}}", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []repoRow
	for rows.Next() {
		var r repoRow
		var tags string
		if err := rows.Scan(&r.id, &r.digest, &tags); err != nil {
			return nil, err
		}
		r.tags = decodeList(tags)
		out = append(out, r)
	}
	return out, rows.Err()
}

// dropTag takes tag off the rows other than keepDigest's: a tag names one
// manifest of a repository at a time.
func dropTag(ctx context.Context, c conn, repository string, rows []repoRow, keepDigest, tag string) error {
	if tag == "" {
		return nil
	}
	for _, r := range rows {
		i := slices.Index(r.tags, tag)
		if r.digest == keepDigest || i < 0 {
			continue
		}
		tags := slices.Delete(r.tags, i, i+1)
		if _, err := c.exec(ctx, "UPDATE images SET tags = ?, search = ? WHERE id = ?", encodeList(tags), searchText(repository, tags), r.id); err != nil {
			return err
		}
	}
	return nil
}

// untag takes tag off every image of the repository.
func untag(ctx context.Context, c conn, registryID int64, repository, tag string) error {
	if err := lockRepo(ctx, c, registryID, repository); err != nil {
		return err
	}
	rows, err := lockRepoRows(ctx, c, registryID, repository, "", tag)
	if err != nil {
		return err
	}
	return dropTag(ctx, c, repository, rows, "", tag)
}

// addTag adds tag to tags (kept sorted, without duplicates).
func addTag(tags []string, tag string) []string {
	if tag == "" {
		return tags
	}
	i, found := slices.BinarySearch(tags, tag)
	if found {
		return tags
	}
	return slices.Insert(tags, i, tag)
}
