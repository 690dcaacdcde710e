package vulndb

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The entries of one package are stored in a compact binary form: a
// lookup decodes every entry of the package, and for packages with
// hundreds of advisories (a distro's kernel) JSON took over 100 µs.
//
//	list    := version(1) count(uvarint) entry*
//	entry   := str(ID) str(Ecosystem) str(Name) str(Status)
//	           strs(Versions) strs(OS) count ranges* count severities*
//	range   := str(Type) count event*
//	event   := kind(1: i, f, l, x) str(version)
//	severity:= str(Type) str(Score) str(Source)
//	str     := len(uvarint) bytes;  strs := count str*
const entryCodecVersion = 1

func encodeEntries(es []Entry) []byte {
	b := make([]byte, 0, 64*len(es))
	b = append(b, entryCodecVersion)
	b = binary.AppendUvarint(b, uint64(len(es)))
	for i := range es {
		e := &es[i]
		b = appendStr(b, e.ID)
		b = appendStr(b, e.Ecosystem)
		b = appendStr(b, e.Name)
		b = appendStr(b, e.Status)
		b = appendStrs(b, e.Versions)
		b = appendStrs(b, e.OS)
		b = binary.AppendUvarint(b, uint64(len(e.Ranges)))
		for _, r := range e.Ranges {
			b = appendStr(b, r.Type)
			b = binary.AppendUvarint(b, uint64(len(r.Events)))
			for _, ev := range r.Events {
				switch {
				case ev.Introduced != "":
					b = appendStr(append(b, 'i'), ev.Introduced)
				case ev.Fixed != "":
					b = appendStr(append(b, 'f'), ev.Fixed)
				case ev.LastAffected != "":
					b = appendStr(append(b, 'l'), ev.LastAffected)
				default:
					b = appendStr(append(b, 'x'), ev.Limit)
				}
			}
		}
		b = binary.AppendUvarint(b, uint64(len(e.Severity)))
		for _, s := range e.Severity {
			b = appendStr(b, s.Type)
			b = appendStr(b, s.Score)
			b = appendStr(b, s.Source)
		}
	}
	return b
}

func appendStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendStrs(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = appendStr(b, s)
	}
	return b
}

// entryReader decodes what encodeEntries wrote; the first error sticks.
type entryReader struct {
	b   []byte
	err error
}

var errEntryCodec = errors.New("corrupt package entries")

func (r *entryReader) count() int {
	if r.err != nil {
		return 0
	}
	n, k := binary.Uvarint(r.b)
	if k <= 0 || n > uint64(len(r.b)) { // each item takes at least one byte
		r.err = errEntryCodec
		return 0
	}
	r.b = r.b[k:]
	return int(n)
}

func (r *entryReader) str() string {
	n := r.count()
	if r.err != nil {
		return ""
	}
	if n > len(r.b) {
		r.err = errEntryCodec
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func (r *entryReader) strs() []string {
	n := r.count()
	if n == 0 {
		return nil
	}
	out := make([]string, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		out = append(out, r.str())
	}
	return out
}

func (r *entryReader) byte() byte {
	if r.err != nil || len(r.b) == 0 {
		r.err = errEntryCodec
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func decodeEntries(b []byte) ([]Entry, error) {
	if len(b) == 0 || b[0] != entryCodecVersion {
		return nil, fmt.Errorf("%w: unknown format", errEntryCodec)
	}
	r := &entryReader{b: b[1:]}
	n := r.count()
	out := make([]Entry, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		e := Entry{ID: r.str(), Ecosystem: r.str(), Name: r.str(), Status: r.str(), Versions: r.strs(), OS: r.strs()}
		if nr := r.count(); nr > 0 {
			e.Ranges = make([]Range, 0, nr)
			for j := 0; j < nr && r.err == nil; j++ {
				rg := Range{Type: r.str()}
				ne := r.count()
				rg.Events = make([]Event, 0, ne)
				for k := 0; k < ne && r.err == nil; k++ {
					kind, v := r.byte(), r.str()
					var ev Event
					switch kind {
					case 'i':
						ev.Introduced = v
					case 'f':
						ev.Fixed = v
					case 'l':
						ev.LastAffected = v
					case 'x':
						ev.Limit = v
					default:
						r.err = errEntryCodec
					}
					rg.Events = append(rg.Events, ev)
				}
				e.Ranges = append(e.Ranges, rg)
			}
		}
		if ns := r.count(); ns > 0 {
			e.Severity = make([]Severity, 0, ns)
			for j := 0; j < ns && r.err == nil; j++ {
				e.Severity = append(e.Severity, Severity{Type: r.str(), Score: r.str(), Source: r.str()})
			}
		}
		out = append(out, e)
	}
	if r.err == nil && len(r.b) != 0 {
		r.err = errEntryCodec
	}
	if r.err != nil {
		return nil, r.err
	}
	return out, nil
}
