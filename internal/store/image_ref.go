package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// ImageByReference finds the image a pod spec's reference names: in the
// registry spelled as one of hosts (Docker Hub has several spellings), the
// repository's image of digest when digest is set, else the image (not
// deleted) whose tags hold tag. ErrNotFound when there is none. One query,
// through the registries' host index and the images' (registry,
// repository, digest) index; a tag is looked for among the repository's
// rows, as UpsertImage does.
func (s *Store) ImageByReference(ctx context.Context, hosts []string, repository, digest, tag string) (*Image, error) {
	if len(hosts) == 0 || (digest == "") == (tag == "") {
		return nil, fmt.Errorf("image by reference: want hosts and one of digest and tag")
	}
	q := "SELECT " + imageCols + " FROM images i JOIN registries r ON r.id = i.registry_id WHERE r.host IN (?" +
		strings.Repeat(", ?", len(hosts)-1) + ") AND i.repository = ?"
	args := make([]any, 0, len(hosts)+2)
	for _, h := range hosts {
		args = append(args, h)
	}
	args = append(args, repository)
	if digest != "" {
		// A deleted image's last scan still tells what that content holds.
		q += " AND i.digest = ? ORDER BY i.deleted, i.id"
		args = append(args, digest)
	} else {
		quoted, _ := json.Marshal(tag)
		q += ` AND i.deleted = FALSE AND i.tags LIKE ? ESCAPE '\' ORDER BY i.id`
		args = append(args, "%"+likeEscape(string(quoted))+"%")
	}
	im, err := s.firstImage(ctx, q, args, func(im *Image) bool { return digest != "" || slices.Contains(im.Tags, tag) })
	if err != nil {
		return nil, fmt.Errorf("image %s/%s: %w", strings.Join(hosts, "|"), repository, err)
	}
	return im, nil
}

// firstImage returns the first row of q that keep accepts (LIKE only
// finds candidates: it ignores case on SQLite).
func (s *Store) firstImage(ctx context.Context, q string, args []any, keep func(*Image) bool) (*Image, error) {
	rows, err := s.reader().query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var im Image
		if err := scanImage(rows, &im); err != nil {
			return nil, err
		}
		if keep(&im) {
			return &im, nil
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return nil, ErrNotFound
}
