package server

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"

	"github.com/bulwarksec/bulwark/internal/vulndb"
)

// cachedDB remembers decoded lookups and advisories of one database: a
// re-match of every image looks the same packages and advisories up
// thousands of times. It is dropped with the database it caches.
type cachedDB struct {
	db *vulndb.DB
	// file is the database file opened, to tell when a new one replaced it.
	file    os.FileInfo
	mu      sync.RWMutex
	entries map[string][]vulndb.Entry
	advs    map[string]*vulndb.Advisory
}

// cacheMax bounds each map; past it the map starts over (cheap, and a
// working set of one registry's packages fits).
const cacheMax = 50000

// openCachedDB opens the database in dir behind a new cache.
func openCachedDB(dir string) (*cachedDB, error) {
	info, err := os.Stat(vulndb.Path(dir))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w in %s: run `bulwark db update --db-dir %s`", vulndb.ErrNoDatabase, dir, dir)
		}
		return nil, err
	}
	db, err := vulndb.Open(dir)
	if err != nil {
		return nil, err
	}
	return &cachedDB{db: db, file: info, entries: map[string][]vulndb.Entry{}, advs: map[string]*vulndb.Advisory{}}, nil
}

// Lookup is vulndb.DB.Lookup, cached. Callers must not modify the result.
func (c *cachedDB) Lookup(eco, name string) ([]vulndb.Entry, error) {
	k := eco + "\x00" + name
	c.mu.RLock()
	es, ok := c.entries[k]
	c.mu.RUnlock()
	if ok {
		return es, nil
	}
	es, err := c.db.Lookup(eco, name)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.entries) >= cacheMax {
		c.entries = map[string][]vulndb.Entry{}
	}
	c.entries[k] = es
	c.mu.Unlock()
	return es, nil
}

// Advisory is vulndb.DB.Advisory, cached (a miss too). Callers must not
// modify the result.
func (c *cachedDB) Advisory(id string) (*vulndb.Advisory, error) {
	c.mu.RLock()
	a, ok := c.advs[id]
	c.mu.RUnlock()
	if ok {
		return a, nil
	}
	a, err := c.db.Advisory(id)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.advs) >= cacheMax {
		c.advs = map[string]*vulndb.Advisory{}
	}
	c.advs[id] = a
	c.mu.Unlock()
	return a, nil
}

// Meta is vulndb.DB.Meta.
func (c *cachedDB) Meta() vulndb.Meta { return c.db.Meta() }
