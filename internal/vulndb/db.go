package vulndb

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// File is the database's file name inside its directory.
const File = "vulndb.bolt"

// schemaVersion changes whenever the stored layout does; an older file is
// refused with a message to update.
const schemaVersion = 4

var (
	bucketPkg  = []byte("pkg")  // ecosystem key \x00 name -> []Entry
	bucketAdv  = []byte("adv")  // ID -> Advisory without Affected
	bucketIdx  = []byte("idx")  // ID -> []string pkg keys holding its entries
	bucketMeta = []byte("meta") // "meta" -> Meta
)

// ErrNoDatabase is returned by Open when the directory holds no database.
var ErrNoDatabase = errors.New("no vulnerability database")

// Entry is one advisory's claim about one package: the versions it affects.
type Entry struct {
	ID string `json:"id"`
	// Ecosystem and Name as the advisory spelled them.
	Ecosystem string     `json:"e"`
	Name      string     `json:"n"`
	Ranges    []Range    `json:"r,omitempty"`
	Versions  []string   `json:"v,omitempty"`
	Severity  []Severity `json:"s,omitempty"`
	Status    string     `json:"st,omitempty"`
	OS        []string   `json:"os,omitempty"`
}

// Meta describes a database: where its data came from and when.
type Meta struct {
	Schema int `json:"schema"`
	// Built is when this file was written; Updated when data last came in.
	Built   time.Time `json:"built"`
	Updated time.Time `json:"updated"`
	// Sources are the feeds and files imported, by name.
	Sources map[string]SourceMeta `json:"sources"`
	// Advisories counts advisories per ecosystem key (one advisory may
	// count in several); Total counts distinct advisory IDs with affected
	// packages, Records every stored record (NVD ones included).
	Advisories map[string]int `json:"advisories"`
	Total      int            `json:"total"`
	Records    int            `json:"records"`
}

// SourceMeta is one imported feed or file.
type SourceMeta struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
	// ETag, LastModified and SHA256 of what was downloaded, for
	// conditional requests and checks.
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"lastModified,omitempty"`
	SHA256       string    `json:"sha256,omitempty"`
	Fetched      time.Time `json:"fetched"`
	Records      int       `json:"records"`
	Withdrawn    int       `json:"withdrawn,omitempty"`
	Bad          int       `json:"bad,omitempty"`
}

// DB is an open database, read-only. It is safe for concurrent use.
type DB struct {
	b    *bolt.DB
	meta Meta
}

// Path is the database file in dir.
func Path(dir string) string { return filepath.Join(dir, File) }

// Open opens the database in dir read-only. An update that replaces it
// meanwhile does not disturb an open DB: it keeps reading the file it
// opened.
func Open(dir string) (*DB, error) {
	p := Path(dir)
	if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w in %s: run `bulwark db update` or `bulwark db import PATH`", ErrNoDatabase, dir)
	}
	b, err := bolt.Open(p, 0o444, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("open vulnerability database %s: %w", p, err)
	}
	d := &DB{b: b}
	if err := b.View(func(tx *bolt.Tx) error { return readMeta(tx, &d.meta) }); err != nil {
		b.Close()
		return nil, fmt.Errorf("vulnerability database %s: %w", p, err)
	}
	if d.meta.Schema != schemaVersion {
		b.Close()
		return nil, fmt.Errorf("vulnerability database %s has layout %d, this bulwark reads %d: run `bulwark db update`", p, d.meta.Schema, schemaVersion)
	}
	return d, nil
}

func readMeta(tx *bolt.Tx, m *Meta) error {
	bk := tx.Bucket(bucketMeta)
	if bk == nil {
		return errors.New("not a Bulwark vulnerability database (no metadata)")
	}
	raw := bk.Get([]byte("meta"))
	if raw == nil {
		return errors.New("not a Bulwark vulnerability database (no metadata)")
	}
	return json.Unmarshal(raw, m)
}

// Close releases the file.
func (d *DB) Close() error { return d.b.Close() }

// Meta describes the database.
func (d *DB) Meta() Meta { return d.meta }

// pkgKey is the store key of a package.
func pkgKey(eco, name string) []byte {
	k := EcosystemKey(eco)
	n := NormalizeName(eco, name)
	b := make([]byte, 0, len(k)+1+len(n))
	b = append(b, k...)
	b = append(b, 0)
	return append(b, n...)
}

// Lookup returns every entry filed under the package (ecosystem as OSV
// names it, with release for distros).
func (d *DB) Lookup(eco, name string) ([]Entry, error) {
	var out []Entry
	err := d.b.View(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketPkg).Get(pkgKey(eco, name))
		if raw == nil {
			return nil
		}
		var err error
		out, err = decodeEntries(raw)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("lookup %s/%s: %w", eco, name, err)
	}
	return out, nil
}

// Advisory returns the record with the given ID, without its affected
// packages (those are in the entries), or nil when there is none.
func (d *DB) Advisory(id string) (*Advisory, error) {
	var a *Advisory
	err := d.b.View(func(tx *bolt.Tx) error {
		packed := tx.Bucket(bucketAdv).Get([]byte(id))
		if packed == nil {
			return nil
		}
		raw, err := unpack(packed)
		if err != nil {
			return err
		}
		a = new(Advisory)
		return json.Unmarshal(raw, a)
	})
	if err != nil {
		return nil, fmt.Errorf("advisory %s: %w", id, err)
	}
	return a, nil
}
