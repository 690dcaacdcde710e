package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// ImageFilter selects images for ListImages.
type ImageFilter struct {
	RegistryID     int64  // 0: any
	Repository     string // "": any; exact match
	Health         string // "", "healthy", "unhealthy", "unscanned"
	Search         string // substring of the repository or a tag, case-insensitive
	IncludeDeleted bool
	Limit, Offset  int // Limit 0 means 50; at most 500
}

// ListImages returns a page of the images f selects, most recently seen
// first (then by ID, descending), and how many f selects in all. It reads
// the images table only.
func (s *Store) ListImages(ctx context.Context, f ImageFilter) (items []Image, total int, err error) {
	where, args, err := imageWhere(f)
	if err != nil {
		return nil, 0, fmt.Errorf("list images: %w", err)
	}
	c := s.reader()
	if err := c.row(ctx, "SELECT COUNT(*) FROM images i WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("list images: %w", err)
	}
	if total == 0 {
		return nil, 0, nil
	}
	rows, err := c.query(ctx, "SELECT "+imageCols+" FROM images i JOIN registries r ON r.id = i.registry_id WHERE "+where+
		" ORDER BY i.last_seen DESC, i.id DESC LIMIT ? OFFSET ?", append(args, limit(f.Limit), max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("list images: %w", err)
	}
	defer rows.Close()
	items = make([]Image, 0, min(limit(f.Limit), total))
	for rows.Next() {
		var im Image
		if err := scanImage(rows, &im); err != nil {
			return nil, 0, fmt.Errorf("list images: %w", err)
		}
		items = append(items, im)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list images: %w", err)
	}
	return items, total, nil
}

// imageWhere turns f into a WHERE clause on images i.
func imageWhere(f ImageFilter) (string, []any, error) {
	conds := make([]string, 0, 5)
	args := make([]any, 0, 6)
	if !f.IncludeDeleted {
		conds = append(conds, "i.deleted = FALSE")
	}
	if f.RegistryID != 0 {
		conds, args = append(conds, "i.registry_id = ?"), append(args, f.RegistryID)
	}
	if f.Repository != "" {
		conds, args = append(conds, "i.repository = ?"), append(args, f.Repository)
	}
	switch f.Health {
	case "":
	case healthHealthy, healthUnhealthy, healthUnscanned:
		conds, args = append(conds, "i.health = ?"), append(args, f.Health)
	default:
		return "", nil, fmt.Errorf("unknown health filter %q (want healthy, unhealthy or unscanned)", f.Health)
	}
	if f.Search != "" {
		if strings.Contains(f.Search, "\n") {
			conds = append(conds, "1 = 0") // no repository or tag holds a newline
		} else {
			conds, args = append(conds, `i.search LIKE ? ESCAPE '\'`), append(args, searchPattern(f.Search))
		}
	}
	if len(conds) == 0 {
		return "1 = 1", args, nil
	}
	return strings.Join(conds, " AND "), args, nil
}

// searchPattern is the LIKE pattern matching term anywhere in searchText.
func searchPattern(term string) string {
	return "%" + likeEscape(strings.ToLower(term)) + "%"
}

// MarkDeleted flags the registry's images whose (repository, digest) is
// not in keep (repository -> digests) and returns how many it flagged.
func (s *Store) MarkDeleted(ctx context.Context, registryID int64, keep map[string][]string) (int, error) {
	keepSet := make(map[[2]string]bool)
	for repo, digests := range keep {
		for _, d := range digests {
			keepSet[[2]string{repo, d}] = true
		}
	}
	var n int
	err := s.tx(ctx, func(c conn) error {
		rows, err := c.query(ctx, "SELECT id, repository, digest FROM images WHERE registry_id = ? AND deleted = FALSE", registryID)
		if err != nil {
			return err
		}
		var gone []int64
		for rows.Next() {
			var id int64
			var repo, digest string
			if err := rows.Scan(&id, &repo, &digest); err != nil {
				rows.Close()
				return err
			}
			if !keepSet[[2]string{repo, digest}] {
				gone = append(gone, id)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		n = len(gone)
		return updateIDs(ctx, c, "UPDATE images SET deleted = TRUE WHERE id IN ", gone)
	})
	if err != nil {
		return 0, fmt.Errorf("mark deleted images of registry %d: %w", registryID, err)
	}
	return n, nil
}

// updateIDs runs prefix + "(?, ?, ...)" over ids in chunks.
func updateIDs(ctx context.Context, c conn, prefix string, ids []int64) error {
	const chunk = 500
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		if _, err := c.exec(ctx, prefix+"("+placeholders(n)+")", args...); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// placeholders is "?, ?, ..." n times.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// DueForRescan lists images (not deleted) scanned before `before` that
// were pushed after pushedSince or pulled after pulledSince, the longest
// unscanned first. limit <= 0 means 100.
func (s *Store) DueForRescan(ctx context.Context, before, pushedSince, pulledSince time.Time, limit int) ([]int64, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.reader().query(ctx, `SELECT id FROM images
		WHERE deleted = FALSE AND health <> 'unscanned' AND scanned_at < ? AND (pushed_at > ? OR pulled_at > ?)
		ORDER BY scanned_at, id LIMIT ?`, toDB(before), toDB(pushedSince), toDB(pulledSince), limit)
	if err != nil {
		return nil, fmt.Errorf("images due for rescan: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("images due for rescan: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("images due for rescan: %w", err)
	}
	return ids, nil
}
