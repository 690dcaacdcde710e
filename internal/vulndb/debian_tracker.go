package vulndb

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// trackerMaxLine bounds one line of a tracker list: the longest real line
// (a DSA's CVE list) is under 2 KiB, so a longer one is garbage, not data.
const trackerMaxLine = 1 << 20

// trackerURL is where the Debian security tracker shows an advisory.
const trackerURL = "https://security-tracker.debian.org/tracker/"

// debianReleases maps the codenames the tracker writes in brackets to the
// release numbers that OSV's "Debian:<release>" ecosystems use.
var debianReleases = map[string]string{
	"buzz": "1.1", "rex": "1.2", "bo": "1.3", "hamm": "2.0", "slink": "2.1",
	"potato": "2.2", "woody": "3.0", "sarge": "3.1", "etch": "4",
	"lenny": "5", "squeeze": "6", "wheezy": "7", "jessie": "8",
	"stretch": "9", "buster": "10", "bullseye": "11", "bookworm": "12",
	"trixie": "13", "forky": "14",
}

// trackerStatus lists the tags that stand for a version in a release line:
// the Status they give an Affected, and whether the release is affected.
var trackerStatus = map[string]struct {
	status   string
	affected bool
}{
	"<not-affected>": {"", false},
	"<unfixed>":      {"", true},
	"<no-dsa>":       {"no-dsa", true},
	"<ignored>":      {"ignored", true},
	"<postponed>":    {"postponed", true},
	"<end-of-life>":  {"end-of-life", true},
}

// trackerUrgencies are the urgency words the tracker writes in parentheses
// after a release line; they become a label rating for that package.
var trackerUrgencies = map[string]bool{
	"unimportant": true, "low": true, "medium": true, "high": true,
}

// feedEntryError is one skipped entry of a distro or NVD feed: the file
// (Name), where in it (Line when the format has lines, else 0), which
// entry (an advisory ID or a path) and why.
type feedEntryError struct {
	Name  string
	Line  int
	Entry string
	Err   error
}

func (e *feedEntryError) Error() string {
	loc := e.Name
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", e.Name, e.Line)
	}
	if e.Entry == "" {
		return fmt.Sprintf("%s: %v", loc, e.Err)
	}
	return fmt.Sprintf("%s: %s: %v", loc, e.Entry, e.Err)
}

func (e *feedEntryError) Unwrap() error { return e.Err }

// trackerParser holds the state of one pass over a DSA or DLA list.
type trackerParser struct {
	name string
	advs []Advisory
	bad  []error
	cur  *Advisory // the entry being read; nil before the first header
	skip bool      // the current entry's header was bad: drop its lines
}

// ParseDebianTracker reads the Debian security tracker's data/DSA/list or
// data/DLA/list: one Advisory per DSA or DLA, with one Affected per
// "[codename] - package version" line. Entries and lines it cannot read
// are reported in bad, naming name and the line, and skipped; err is set
// only when r itself fails.
func ParseDebianTracker(r io.Reader, name string) (advs []Advisory, bad []error, err error) {
	p := &trackerParser{name: name}
	br := bufio.NewReader(r)
	var buf []byte
	for n := 1; ; n++ {
		line, long, rerr := trackerReadLine(br, buf[:0])
		buf = line
		if len(line) > 0 || long {
			p.line(n, line, long)
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return nil, nil, fmt.Errorf("read debian tracker list %s: %w", name, rerr)
		}
	}
	p.flush()
	return p.advs, p.bad, nil
}

// trackerReadLine appends the next line, without its newline, to line. A
// line longer than trackerMaxLine is consumed whole but only its start is
// kept, with long set.
func trackerReadLine(br *bufio.Reader, line []byte) (_ []byte, long bool, err error) {
	for {
		frag, ferr := br.ReadSlice('\n')
		if len(line)+len(frag) <= trackerMaxLine {
			line = append(line, frag...)
		} else {
			long = true
		}
		if ferr == bufio.ErrBufferFull {
			continue
		}
		line = bytes.TrimRight(line, "\r\n")
		return line, long, ferr
	}
}

// line dispatches one line by its shape: a header opens an entry, indented
// lines add to it.
func (p *trackerParser) line(n int, raw []byte, long bool) {
	header := raw[0] == '['
	if long {
		if header {
			p.flush()
			p.skip = true
		}
		p.fail(n, "", "line longer than 1 MiB")
		return
	}
	if header {
		p.flush()
		p.header(n, string(raw))
		return
	}
	text := strings.TrimSpace(string(raw))
	switch {
	case text == "":
	case raw[0] != ' ' && raw[0] != '\t':
		p.fail(n, "", fmt.Sprintf("unrecognised line %.80q", text))
	case p.skip:
	case p.cur == nil:
		p.fail(n, "", "indented line before the first advisory")
	case strings.HasPrefix(text, "NOTE:"):
	case strings.HasPrefix(text, "{"):
		p.aliases(n, text)
	case strings.HasPrefix(text, "["):
		p.release(n, text)
	default:
		p.fail(n, p.cur.ID, fmt.Sprintf("unrecognised line %.80q", text))
	}
}

// header reads "[29 Mar 2023] DSA-5380-1 xorg-server - security update".
func (p *trackerParser) header(n int, s string) {
	p.skip = true
	end := strings.IndexByte(s, ']')
	if end < 0 {
		p.fail(n, "", "header without a closing ']' after the date")
		return
	}
	date, err := trackerDate(s[1:end])
	if err != nil {
		p.fail(n, "", err.Error())
		return
	}
	fields := strings.Fields(s[end+1:])
	if len(fields) == 0 || !trackerID(fields[0]) {
		p.fail(n, "", fmt.Sprintf("header without a DSA/DLA ID: %.80q", s))
		return
	}
	id := fields[0]
	p.skip = false
	p.cur = &Advisory{
		ID:         id,
		Summary:    strings.Join(fields[1:], " "),
		Published:  date,
		References: []string{trackerURL + id},
		Source:     "debian-tracker",
	}
}

// trackerDate reads the tracker's "02 Jan 2006" dates.
func trackerDate(s string) (time.Time, error) {
	t, err := time.Parse("2 Jan 2006", strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, fmt.Errorf("bad date %.40q", s)
	}
	return t, nil
}

// trackerID accepts "DSA-5380-1", "DLA-3380-1" and the old "DSA-1304":
// upper-case letters, a dash, digits, and optionally a dash and digits.
func trackerID(s string) bool {
	pfx, rest, ok := strings.Cut(s, "-")
	if !ok || pfx == "" || strings.TrimLeft(pfx, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return false
	}
	num, rev, hasRev := strings.Cut(rest, "-")
	return trackerDigits(num) && (!hasRev || trackerDigits(rev))
}

func trackerDigits(s string) bool {
	return s != "" && strings.TrimLeft(s, "0123456789") == ""
}

// aliases reads "{CVE-2023-1393 CVE-2023-1394}".
func (p *trackerParser) aliases(n int, s string) {
	inner, ok := strings.CutSuffix(s[1:], "}")
	if !ok {
		p.fail(n, p.cur.ID, "CVE list without a closing '}'")
		return
	}
	for _, id := range strings.Fields(inner) {
		if !strings.HasPrefix(id, "CVE-") {
			p.fail(n, p.cur.ID, fmt.Sprintf("%.40q in the CVE list is not a CVE ID", id))
			continue
		}
		p.cur.Aliases = append(p.cur.Aliases, id)
	}
}

// release reads "[bullseye] - xorg-server 2:1.20.11-1+deb11u6 (medium)".
func (p *trackerParser) release(n int, s string) {
	aff, err := trackerAffected(s)
	if err != nil {
		p.fail(n, p.cur.ID, err.Error())
		return
	}
	if aff != nil {
		p.cur.Affected = append(p.cur.Affected, *aff)
	}
}

// trackerAffected turns one release line into an Affected, or nil when the
// release is not affected.
func trackerAffected(s string) (*Affected, error) {
	codename, rest, ok := strings.Cut(s[1:], "]")
	if !ok {
		return nil, errors.New("release line without a closing ']'")
	}
	release, known := debianReleases[codename]
	if !known {
		return nil, fmt.Errorf("unknown release codename %.40q", codename)
	}
	rest, ok = strings.CutPrefix(strings.TrimSpace(rest), "- ")
	if !ok {
		return nil, fmt.Errorf("release line without ' - ' after [%s]", codename)
	}
	pkg, rest, _ := strings.Cut(strings.TrimSpace(rest), " ")
	ver, note, _ := strings.Cut(strings.TrimSpace(rest), " ")
	if pkg == "" || ver == "" {
		return nil, fmt.Errorf("release line for [%s] without a package and a version", codename)
	}
	urgency, err := trackerNote(strings.TrimSpace(note))
	if err != nil {
		return nil, err
	}
	return trackerRange(Affected{Ecosystem: "Debian:" + release, Name: pkg}, ver, urgency)
}

// trackerNote reads the parenthesised text after a version, "(bug #123;
// medium)", and returns the urgency word in it, if any.
func trackerNote(note string) (string, error) {
	if note == "" {
		return "", nil
	}
	inner, ok := strings.CutSuffix(note, ")")
	if !ok || !strings.HasPrefix(inner, "(") {
		return "", fmt.Errorf("unexpected text %.80q after the version", note)
	}
	urgency := ""
	for _, part := range strings.FieldsFunc(inner[1:], func(r rune) bool { return r == ';' || r == ',' }) {
		if w := strings.TrimSpace(part); trackerUrgencies[w] {
			urgency = w
		}
	}
	return urgency, nil
}

// trackerRange fills a's range from a version or a tag, and its rating
// from the urgency.
func trackerRange(a Affected, ver, urgency string) (*Affected, error) {
	events := []Event{{Introduced: "0"}}
	if strings.HasPrefix(ver, "<") {
		tag, ok := trackerStatus[ver]
		if !ok {
			return nil, fmt.Errorf("unknown tag %.40q for %s", ver, a.Name)
		}
		if !tag.affected {
			return nil, nil
		}
		a.Status = tag.status
	} else {
		events = append(events, Event{Fixed: ver})
	}
	a.Ranges = []Range{{Type: "ECOSYSTEM", Events: events}}
	if urgency != "" {
		a.Severity = []Severity{{Type: "label", Score: urgency, Source: "debian"}}
		if urgency == "unimportant" && a.Status == "" {
			a.Status = "unimportant"
		}
	}
	return &a, nil
}

// flush ends the current entry.
func (p *trackerParser) flush() {
	if p.cur != nil && !p.skip {
		p.advs = append(p.advs, *p.cur)
	}
	p.cur = nil
}

func (p *trackerParser) fail(n int, entry, msg string) {
	p.bad = append(p.bad, &feedEntryError{Name: p.name, Line: n, Entry: entry, Err: errors.New(msg)})
}
