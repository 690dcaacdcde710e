package vulndb

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// maxImportFile bounds one file or zip entry read for import (a yearly
// NVD feed is the largest input, about 300 MB).
const maxImportFile = 1 << 30

// maxBadKept bounds the errors an ImportStats keeps (all are counted).
const maxBadKept = 20

// ImportStats counts what an import read.
type ImportStats struct {
	Files     int `json:"files"`
	Records   int `json:"records"`
	Withdrawn int `json:"withdrawn"`
	// Bad counts records skipped as malformed; Errors keeps the first few.
	Bad    int     `json:"bad"`
	Errors []error `json:"-"`
}

func (s *ImportStats) bad(errs ...error) {
	for _, err := range errs {
		s.Bad++
		if len(s.Errors) < maxBadKept {
			s.Errors = append(s.Errors, err)
		}
	}
}

func (s *ImportStats) add(o ImportStats) {
	s.Files += o.Files
	s.Records += o.Records
	s.Withdrawn += o.Withdrawn
	s.Bad += o.Bad
	for _, e := range o.Errors {
		if len(s.Errors) < maxBadKept {
			s.Errors = append(s.Errors, e)
		}
	}
}

// format is one advisory file format Import recognises.
type format struct {
	name  string
	sniff func(head []byte, name string) bool
	parse func(r io.Reader, name string) ([]Advisory, []error, error)
}

var debianListHead = regexp.MustCompile(`^\[\d{1,2} [A-Z][a-z]{2} \d{4}\] D[SL]A-`)

// formats are tried in order on the first bytes of each file.
var formats = []format{
	{"debian-tracker", func(h []byte, _ string) bool { return debianListHead.Match(h) }, ParseDebianTracker},
	{"alpine-secdb", func(h []byte, _ string) bool { return bytes.Contains(h, []byte("distroversion")) }, ParseAlpineSecDB},
	{"nvd", func(h []byte, _ string) bool {
		return bytes.HasPrefix(bytes.TrimSpace(h), []byte("{")) &&
			(bytes.Contains(h, []byte(`"vulnerabilities"`)) || bytes.Contains(h, []byte(`"vulnStatus"`)) || bytes.Contains(h, []byte(`"sourceIdentifier"`)))
	}, ParseNVD},
	{"osv", func(h []byte, _ string) bool { return bytes.HasPrefix(bytes.TrimSpace(h), []byte("{")) }, parseOSVReader},
}

func parseOSVReader(r io.Reader, name string) ([]Advisory, []error, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	a, err := ParseOSV(b, name)
	if err != nil {
		return nil, []error{err}, nil
	}
	return []Advisory{a}, nil, nil
}

// Import reads advisories from path into w: an OSV record, an OSV export
// zip, an NVD CVE JSON 2.0 record or feed, an Alpine secdb file, a Debian
// security tracker DSA/DLA list, or a directory of any of these (walked
// recursively). Malformed records are counted and skipped.
func Import(ctx context.Context, w *Writer, path string) (ImportStats, error) {
	var st ImportStats
	info, err := os.Stat(path)
	if err != nil {
		return st, fmt.Errorf("import: %w", err)
	}
	if !info.IsDir() {
		return importFile(ctx, w, path)
	}
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		s, err := importFile(ctx, w, p)
		st.add(s)
		if errors.Is(err, errUnknownFormat) {
			return nil // READMEs and such beside the data
		}
		return err
	})
	return st, err
}

var errUnknownFormat = errors.New("not a recognised advisory format")

func importFile(ctx context.Context, w *Writer, path string) (ImportStats, error) {
	if strings.EqualFold(filepath.Ext(path), ".zip") {
		return importZip(ctx, w, path)
	}
	f, err := os.Open(path)
	if err != nil {
		return ImportStats{}, fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	if !strings.EqualFold(filepath.Ext(path), ".gz") {
		return importReader(w, io.LimitReader(f, maxImportFile), path)
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		return ImportStats{}, fmt.Errorf("import %s: %w", path, err)
	}
	defer zr.Close()
	return importReader(w, io.LimitReader(zr, maxImportFile), path)
}

func importZip(ctx context.Context, w *Writer, path string) (ImportStats, error) {
	var st ImportStats
	zr, err := zip.OpenReader(path)
	if err != nil {
		return st, fmt.Errorf("import %s: %w", path, err)
	}
	defer zr.Close()
	for _, zf := range zr.File {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		if zf.FileInfo().IsDir() {
			continue
		}
		name := path + ":" + zf.Name
		rc, err := zf.Open()
		if err != nil {
			st.bad(fmt.Errorf("%s: %w", name, err))
			continue
		}
		s, err := importReader(w, io.LimitReader(rc, maxImportFile), name)
		rc.Close()
		if errors.Is(err, errUnknownFormat) {
			st.bad(err)
			continue
		}
		st.add(s)
		if err != nil {
			// A damaged entry (bad CRC, truncated) is that entry's problem.
			var werr *writeError
			if errors.As(err, &werr) {
				return st, err
			}
			st.bad(err)
		}
	}
	return st, nil
}

// writeError is a failure to write the database: it stops an import.
type writeError struct{ err error }

func (e *writeError) Error() string { return e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }

func importReader(w *Writer, r io.Reader, name string) (ImportStats, error) {
	st := ImportStats{Files: 1}
	br := newPeekReader(r, 4096)
	head := br.head
	var fm *format
	for i := range formats {
		if formats[i].sniff(head, name) {
			fm = &formats[i]
			break
		}
	}
	if fm == nil {
		return ImportStats{}, fmt.Errorf("%s: %w", name, errUnknownFormat)
	}
	var werr error
	add := func(a Advisory) {
		if werr != nil {
			return
		}
		if !a.Withdrawn.IsZero() {
			st.Withdrawn++
		} else {
			st.Records++
		}
		if err := w.Add(a); err != nil {
			werr = &writeError{err}
		}
	}
	var bad []error
	var err error
	if fm.name == "nvd" {
		// A yearly NVD feed is large: its records go to w as they are read.
		bad, err = nvdEach(br, name, nvdMaxRecord, add)
	} else {
		var advs []Advisory
		advs, bad, err = fm.parse(br, name)
		for _, a := range advs {
			add(a)
		}
	}
	st.bad(bad...)
	if werr != nil {
		return st, werr
	}
	if err != nil {
		return st, fmt.Errorf("%s: %w", name, err)
	}
	return st, nil
}

// peekReader reads the first bytes of a stream for sniffing and then
// serves the whole stream.
type peekReader struct {
	head []byte
	r    io.Reader
}

func newPeekReader(r io.Reader, n int) *peekReader {
	head := make([]byte, n)
	k, _ := io.ReadFull(r, head)
	head = head[:k]
	return &peekReader{head: head, r: io.MultiReader(bytes.NewReader(head), r)}
}

func (p *peekReader) Read(b []byte) (int, error) { return p.r.Read(b) }
