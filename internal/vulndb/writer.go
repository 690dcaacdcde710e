package vulndb

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// flushEvery bounds how many advisories a Writer holds before writing them.
const flushEvery = 20000

// Writer builds a new database beside the live one and swaps it in on
// Commit. Until then, and if anything fails, the live database is untouched
// and stays in use.
type Writer struct {
	dir, tmp string
	b        *bolt.DB
	pending  map[string]Advisory
	meta     Meta
	done     bool
}

// NewWriter starts a new database in dir: a copy of the live one when
// fresh is false (import adds to what is there), or an empty one (update
// rebuilds from all sources).
func NewWriter(dir string, fresh bool) (*Writer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("database directory: %w", err)
	}
	f, err := os.CreateTemp(dir, ".vulndb-*.tmp")
	if err != nil {
		return nil, fmt.Errorf("database directory: %w", err)
	}
	tmp := f.Name()
	f.Close()
	w := &Writer{dir: dir, tmp: tmp, pending: map[string]Advisory{}}
	live := Path(dir)
	if _, err := os.Stat(live); err == nil && !fresh {
		if err := copyDB(live, tmp); err != nil {
			os.Remove(tmp)
			return nil, err
		}
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		os.Remove(tmp)
		return nil, fmt.Errorf("database: %w", err)
	} else {
		os.Remove(tmp) // bolt creates it
	}
	w.b, err = bolt.Open(tmp, 0o644, &bolt.Options{NoSync: true, NoFreelistSync: true, Timeout: 5 * time.Second})
	if err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("new database %s: %w", tmp, err)
	}
	err = w.b.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketPkg, bucketAdv, bucketIdx, bucketMeta} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		if err := readMeta(tx, &w.meta); err != nil || w.meta.Schema != schemaVersion {
			w.meta = Meta{}
		}
		return nil
	})
	if err != nil {
		w.Abort()
		return nil, fmt.Errorf("new database: %w", err)
	}
	if w.meta.Sources == nil {
		w.meta.Sources = map[string]SourceMeta{}
	}
	return w, nil
}

// copyDB copies the live database into tmp, reading it in a read-only
// transaction so that a reader's view is consistent.
func copyDB(live, tmp string) error {
	src, err := bolt.Open(live, 0o444, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		return fmt.Errorf("open live database %s: %w", live, err)
	}
	defer src.Close()
	return src.View(func(tx *bolt.Tx) error {
		if err := tx.CopyFile(tmp, 0o644); err != nil {
			return fmt.Errorf("copy live database: %w", err)
		}
		return nil
	})
}

// Add stores a, replacing what the database holds for a's ID about each
// package a names (the ID's other packages stay, so that one ID can be fed
// one release or repository at a time, as Alpine's secdb files are). A
// withdrawn advisory removes the ID.
func (w *Writer) Add(a Advisory) error {
	if a.ID == "" {
		return errors.New("advisory without an ID")
	}
	if old, ok := w.pending[a.ID]; ok && a.Withdrawn.IsZero() && old.Withdrawn.IsZero() {
		a = mergeAdvisory(old, a)
	}
	w.pending[a.ID] = a
	if len(w.pending) >= flushEvery {
		return w.flush()
	}
	return nil
}

// SetSource records a feed or file as imported.
func (w *Writer) SetSource(s SourceMeta) { w.meta.Sources[s.Name] = s }

// Sources returns what the database being written records as imported.
func (w *Writer) Sources() map[string]SourceMeta { return w.meta.Sources }

// mergeAdvisory folds b, newer, into a: b's claims about a package
// replace a's about the same package; aliases, severities and references
// are joined.
func mergeAdvisory(a, b Advisory) Advisory {
	out := b
	out.Aliases = mergeIDs(b.ID, a.Aliases, b.Aliases)
	out.Severity = joinSeverity(a.Severity, b.Severity)
	out.References = joinStrings(a.References, b.References)
	if out.Summary == "" {
		out.Summary = a.Summary
	}
	if out.Details == "" {
		out.Details = a.Details
	}
	if out.Published.IsZero() || (!a.Published.IsZero() && a.Published.Before(out.Published)) {
		out.Published = a.Published
	}
	if a.Modified.After(out.Modified) {
		out.Modified = a.Modified
	}
	pkgs := map[string]bool{}
	for _, af := range b.Affected {
		pkgs[string(pkgKey(af.Ecosystem, af.Name))] = true
	}
	out.Affected = nil
	for _, af := range a.Affected {
		if !pkgs[string(pkgKey(af.Ecosystem, af.Name))] {
			out.Affected = append(out.Affected, af)
		}
	}
	out.Affected = append(out.Affected, b.Affected...)
	return out
}

func joinSeverity(a, b []Severity) []Severity {
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func joinStrings(a, b []string) []string {
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// keyChange is what one flush does to one package key.
type keyChange struct {
	drop map[string]bool // advisory IDs whose entries go
	add  []Entry
}

// flush writes the pending advisories in one transaction.
func (w *Writer) flush() error {
	if len(w.pending) == 0 {
		return nil
	}
	err := w.b.Update(func(tx *bolt.Tx) error {
		pkgs, advs, idx := tx.Bucket(bucketPkg), tx.Bucket(bucketAdv), tx.Bucket(bucketIdx)
		changes := map[string]*keyChange{}
		change := func(k string) *keyChange {
			c := changes[k]
			if c == nil {
				c = &keyChange{drop: map[string]bool{}}
				changes[k] = c
			}
			return c
		}
		for _, id := range slices.Sorted(maps.Keys(w.pending)) {
			a := w.pending[id]
			var oldKeys []string
			if raw := idx.Get([]byte(id)); raw != nil {
				if err := json.Unmarshal(raw, &oldKeys); err != nil {
					return fmt.Errorf("index of %s: %w", id, err)
				}
			}
			var stored *Advisory
			if packed := advs.Get([]byte(id)); packed != nil {
				raw, err := unpack(packed)
				if err != nil {
					return fmt.Errorf("record %s: %w", id, err)
				}
				stored = new(Advisory)
				if err := json.Unmarshal(raw, stored); err != nil {
					return fmt.Errorf("record %s: %w", id, err)
				}
			}
			if !a.Withdrawn.IsZero() {
				for _, k := range oldKeys {
					change(k).drop[id] = true
				}
				if err := idx.Delete([]byte(id)); err != nil {
					return err
				}
				if err := advs.Delete([]byte(id)); err != nil {
					return err
				}
				continue
			}
			// Replace this ID's entries for the packages a names.
			keys := map[string]bool{}
			for _, k := range oldKeys {
				keys[k] = true
			}
			for _, af := range a.Affected {
				k := string(pkgKey(af.Ecosystem, af.Name))
				if keys[k] {
					change(k).drop[id] = true
				}
			}
			for _, af := range a.Affected {
				k := string(pkgKey(af.Ecosystem, af.Name))
				keys[k] = true
				c := change(k)
				e := Entry{ID: id, Ecosystem: af.Ecosystem, Name: af.Name,
					Ranges: af.Ranges, Versions: af.Versions, Severity: af.Severity, Status: af.Status, OS: af.OS}
				if len(e.Ranges) > 0 {
					// The list enumerates the ranges (OSV exports add it for
					// PyPI and others); the ranges decide, so it is not kept.
					e.Versions = nil
				}
				c.add = append(c.add, e)
			}
			if len(keys) > 0 {
				raw, err := json.Marshal(slices.Sorted(maps.Keys(keys)))
				if err != nil {
					return err
				}
				if err := idx.Put([]byte(id), raw); err != nil {
					return err
				}
			}
			rec := a
			if stored != nil {
				rec = mergeAdvisory(*stored, a)
			}
			rec.Affected = nil
			raw, err := json.Marshal(rec)
			if err != nil {
				return err
			}
			if raw, err = pack(raw); err != nil {
				return err
			}
			if err := advs.Put([]byte(id), raw); err != nil {
				return err
			}
		}
		for k, c := range changes {
			var entries []Entry
			if raw := pkgs.Get([]byte(k)); raw != nil {
				var err error
				if entries, err = decodeEntries(raw); err != nil {
					return fmt.Errorf("entries of %q: %w", k, err)
				}
			}
			entries = slices.DeleteFunc(entries, func(e Entry) bool { return c.drop[e.ID] })
			entries = append(entries, c.add...)
			if len(entries) == 0 {
				if err := pkgs.Delete([]byte(k)); err != nil {
					return err
				}
				continue
			}
			slices.SortStableFunc(entries, func(a, b Entry) int { return strings.Compare(a.ID, b.ID) })
			if err := pkgs.Put([]byte(k), encodeEntries(entries)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write database: %w", err)
	}
	clear(w.pending)
	return nil
}

// Commit writes what is pending, counts, and atomically replaces the live
// database with the new one.
func (w *Writer) Commit() error {
	if w.done {
		return errors.New("database writer already finished")
	}
	if err := w.flush(); err != nil {
		w.Abort()
		return err
	}
	now := time.Now().UTC()
	err := w.b.Update(func(tx *bolt.Tx) error {
		m := &w.meta
		m.Schema, m.Built, m.Updated = schemaVersion, now, now
		m.Advisories = map[string]int{}
		m.Total, m.Records = 0, tx.Bucket(bucketAdv).Stats().KeyN
		err := tx.Bucket(bucketIdx).ForEach(func(id, raw []byte) error {
			var keys []string
			if err := json.Unmarshal(raw, &keys); err != nil {
				return fmt.Errorf("index of %s: %w", id, err)
			}
			seen := map[string]bool{}
			for _, k := range keys {
				eco, _, _ := strings.Cut(k, "\x00")
				if !seen[eco] {
					seen[eco] = true
					m.Advisories[eco]++
				}
			}
			m.Total++
			return nil
		})
		if err != nil {
			return err
		}
		raw, err := json.Marshal(m)
		if err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put([]byte("meta"), raw)
	})
	var packed string
	if err == nil {
		packed, err = w.compact()
	}
	if cerr := w.b.Close(); err == nil {
		err = cerr
	}
	w.done = true
	os.Remove(w.tmp)
	if err != nil {
		if packed != "" {
			os.Remove(packed)
		}
		return fmt.Errorf("write database: %w", err)
	}
	if err := os.Rename(packed, Path(w.dir)); err != nil {
		os.Remove(packed)
		return fmt.Errorf("replace database: %w", err)
	}
	syncDir(w.dir)
	return nil
}

// compact copies the database into a new file with full pages (pages of a
// bolt file written in random key order are half empty) and syncs it.
func (w *Writer) compact() (string, error) {
	f, err := os.CreateTemp(w.dir, ".vulndb-*.tmp")
	if err != nil {
		return "", err
	}
	path := f.Name()
	f.Close()
	os.Remove(path)
	dst, err := bolt.Open(path, 0o644, &bolt.Options{NoSync: true, NoFreelistSync: true, Timeout: 5 * time.Second})
	if err != nil {
		return "", err
	}
	err = bolt.Compact(dst, w.b, 64<<20)
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return "", err
	}
	return path, nil
}

// Abort drops the new database; the live one stays as it was.
func (w *Writer) Abort() {
	if w.done {
		return
	}
	w.done = true
	if w.b != nil {
		w.b.Close()
	}
	os.Remove(w.tmp)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) {
	if d, err := os.Open(filepath.Clean(dir)); err == nil {
		d.Sync()
		d.Close()
	}
}
