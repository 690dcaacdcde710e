package alert

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestRFC5424Examples formats the four example messages of RFC 5424
// section 6.5. The RFC's examples 1 and 3 have an ASCII MSG after a BOM;
// this formatter sends ASCII without one (MSG-ANY), so those two are
// expected without it, and example 1 is repeated with a non-ASCII MSG to
// show the BOM.
func TestRFC5424Examples(t *testing.T) {
	t1 := time.Date(2003, 10, 11, 22, 14, 15, 3000000, time.UTC)
	t2 := time.Date(2003, 8, 24, 5, 14, 15, 3000, time.FixedZone("", -7*3600))
	evnt := sdElement{ID: "exampleSDID@32473", Params: []sdParam{{"iut", "3"}, {"eventSource", "Application"}, {"eventID", "1011"}}}
	tests := []struct {
		name string
		m    syslogMessage
		want string
	}{
		{"example 1", syslogMessage{Facility: 4, Severity: 2, Time: t1, Hostname: "mymachine.example.com", AppName: "su", MsgID: "ID47",
			Msg: "'su root' failed for lonvick on /dev/pts/8"},
			"<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed for lonvick on /dev/pts/8"},
		{"example 1, UTF-8 MSG", syslogMessage{Facility: 4, Severity: 2, Time: t1, Hostname: "mymachine.example.com", AppName: "su", MsgID: "ID47",
			Msg: "'su root' failed for lönvick on /dev/pts/8"},
			"<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \uFEFF'su root' failed for lönvick on /dev/pts/8"},
		{"example 2", syslogMessage{Facility: 20, Severity: 5, Time: t2, Hostname: "192.0.2.1", AppName: "myproc", ProcID: "8710",
			Msg: "%% It's time to make the do-nuts."},
			"<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts."},
		{"example 3", syslogMessage{Facility: 20, Severity: 5, Time: t1, Hostname: "mymachine.example.com", AppName: "evntslog", MsgID: "ID47",
			SD: []sdElement{evnt}, Msg: "An application event log entry..."},
			`<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] An application event log entry...`},
		{"example 4", syslogMessage{Facility: 20, Severity: 5, Time: t1, Hostname: "mymachine.example.com", AppName: "evntslog", MsgID: "ID47",
			SD: []sdElement{evnt, {ID: "examplePriority@32473", Params: []sdParam{{"class", "high"}}}}},
			`<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]`},
		// Section 6.3.3: '"', '\' and ']' are escaped in PARAM-VALUE, nothing else.
		{"escaping", syslogMessage{SD: []sdElement{{ID: "x@32473", Params: []sdParam{{"p", `a"b\c]d[e=f g`}}}}},
			`<0>1 - - - - - [x@32473 p="a\"b\\c\]d[e=f g"]`},
		{"section 6.3.5 SD-ID alone", syslogMessage{Facility: 1, Severity: 6, SD: []sdElement{{ID: "exampleSDID@32473"}}},
			`<14>1 - - - - - [exampleSDID@32473]`},
		{"nil values, odd header bytes", syslogMessage{Facility: 23, Severity: 7, Hostname: "host name", AppName: "app\x00", MsgID: strings.Repeat("m", 40)},
			"<191>1 - host_name app_ - " + strings.Repeat("m", 32) + " -"},
		{"bad SD names, invalid UTF-8 value", syslogMessage{SD: []sdElement{{ID: `a b="c]`, Params: []sdParam{{"", "\xff"}}}}},
			"<0>1 - - - - - [a_b__c_ _=\"\uFFFD\"]"},
		{"offset not whole minutes goes UTC", syslogMessage{Time: time.Date(1850, 1, 1, 0, 0, 0, 0, time.FixedZone("LMT", -17762))},
			"<0>1 1850-01-01T04:56:02Z - - - - -"},
		{"year past 9999 is NILVALUE", syslogMessage{Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, "<0>1 - - - - - -"},
	}
	for _, tt := range tests {
		got := string(tt.m.appendTo(nil))
		if got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
		if _, err := parseRFC5424(got); err != nil {
			t.Errorf("%s: strict parser rejects %q: %v", tt.name, got, err)
		}
	}
}

// TestStrictParserOnRFCExamples feeds the RFC's own example strings (BOMs
// included) and a few broken ones to the test's parser, so that the
// parser the fuzz target relies on is itself checked against the RFC.
func TestStrictParserOnRFCExamples(t *testing.T) {
	good := []struct {
		in                    string
		pri                   int
		host, app, msgID, msg string
		sdIDs                 int
		bom                   bool
	}{
		{"<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \uFEFF'su root' failed for lonvick on /dev/pts/8",
			34, "mymachine.example.com", "su", "ID47", "'su root' failed for lonvick on /dev/pts/8", 0, true},
		{"<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.",
			165, "192.0.2.1", "myproc", "-", "%% It's time to make the do-nuts.", 0, false},
		{`<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] ` + "\uFEFFAn application event log entry...",
			165, "mymachine.example.com", "evntslog", "ID47", "An application event log entry...", 1, true},
		{`<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]`,
			165, "mymachine.example.com", "evntslog", "ID47", "", 2, false},
	}
	for _, tt := range good {
		p, err := parseRFC5424(tt.in)
		if err != nil {
			t.Errorf("parse %q: %v", tt.in, err)
			continue
		}
		if p.pri != tt.pri || p.hostname != tt.host || p.appName != tt.app || p.msgID != tt.msgID || p.msg != tt.msg || len(p.sd) != tt.sdIDs || p.bom != tt.bom {
			t.Errorf("parse %q = %+v", tt.in, p)
		}
	}
	bad := []string{
		"<192>1 - - - - - -",                              // PRIVAL above 191
		"<13>0 - - - - - -",                               // VERSION starts with zero
		"<13>1 2003-10-11 - - - - -",                      // no time
		"<13>1 2003-10-11t22:14:15Z - - - - -",            // lower-case T
		"<13>1 2003-10-11T22:14:15.1234567Z - - - - -",    // seven fraction digits
		"<13>1 - - - - - [a b=\"c]\"]",                    // unescaped ]
		"<13>1 - - - - - [a b=\"c\\d\"]",                  // invalid escape
		"<13>1 - - - - - [a b=\"c\"][a d=\"e\"]",          // repeated SD-ID
		"<13>1 - - - - - [a b=c]",                         // unquoted value
		"<13>1 - - - - - [a]x",                            // no SP before MSG
		"<13>1 - - " + strings.Repeat("a", 49) + " - - -", // APP-NAME too long
		"<13>1 - - - - - - \uFEFF\xff",                    // MSG-UTF8 that is not UTF-8
		"<13>1 - - - - -",                                 // no STRUCTURED-DATA
	}
	for _, in := range bad {
		if p, err := parseRFC5424(in); err == nil {
			t.Errorf("parse %q = %+v, want an error", in, p)
		}
	}
}

// parsedSyslog is what the strict test parser read. Header fields keep the
// NILVALUE "-"; msg has its BOM removed.
type parsedSyslog struct {
	pri                                         int
	timestamp, hostname, appName, procID, msgID string
	sd                                          []sdElement
	hasMsg, bom                                 bool
	msg                                         string
}

var timestampRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$`)

// parseRFC5424 is a strict parser of the RFC 5424 ABNF (section 6), written
// for the tests only: it rejects what a lenient receiver would let through,
// including escapes other than \" \\ \] in PARAM-VALUE and repeated SD-IDs.
func parseRFC5424(s string) (parsedSyslog, error) {
	var p parsedSyslog
	c := &cursor{s: s}
	if !c.eat('<') {
		return p, errors.New("no PRI")
	}
	pri, ok := c.digits(1, 3)
	if !ok || pri > 191 || !c.eat('>') {
		return p, errors.New("bad PRI")
	}
	p.pri = pri
	if c.i >= len(s) || s[c.i] < '1' || s[c.i] > '9' {
		return p, errors.New("bad VERSION")
	}
	if _, ok := c.digits(1, 3); !ok || !c.eat(' ') {
		return p, errors.New("bad VERSION")
	}
	fields := []struct {
		dst   *string
		limit int
	}{{&p.timestamp, 64}, {&p.hostname, maxHostname}, {&p.appName, maxAppName}, {&p.procID, maxProcID}, {&p.msgID, maxMsgID}}
	for n, f := range fields {
		v := c.printable(f.limit, false)
		if v == "" || !c.eat(' ') {
			return p, fmt.Errorf("header field %d bad or too long at %d", n, c.i)
		}
		*f.dst = v
	}
	if p.timestamp != "-" {
		if !timestampRE.MatchString(p.timestamp) {
			return p, fmt.Errorf("bad TIMESTAMP %q", p.timestamp)
		}
		if _, err := time.Parse(time.RFC3339Nano, p.timestamp); err != nil {
			return p, fmt.Errorf("bad TIMESTAMP: %v", err)
		}
	}
	sd, err := c.structuredData()
	if err != nil {
		return p, err
	}
	p.sd = sd
	return p, c.message(&p)
}

type cursor struct {
	s string
	i int
}

func (c *cursor) eat(b byte) bool {
	if c.i < len(c.s) && c.s[c.i] == b {
		c.i++
		return true
	}
	return false
}

func (c *cursor) digits(least, most int) (int, bool) {
	start := c.i
	for c.i < len(c.s) && c.i-start < most && c.s[c.i] >= '0' && c.s[c.i] <= '9' {
		c.i++
	}
	if c.i-start < least {
		return 0, false
	}
	n, err := strconv.Atoi(c.s[start:c.i])
	return n, err == nil
}

// printable reads 1..limit PRINTUSASCII bytes (not '=', ']', '"' or SP for
// an SD-NAME); "" means none or too many.
func (c *cursor) printable(limit int, sdName bool) string {
	start := c.i
	for c.i < len(c.s) {
		b := c.s[c.i]
		if b < 33 || b > 126 || sdName && (b == '=' || b == ']' || b == '"') {
			break
		}
		c.i++
	}
	if c.i == start || c.i-start > limit {
		return ""
	}
	return c.s[start:c.i]
}

func (c *cursor) structuredData() ([]sdElement, error) {
	if c.eat('-') {
		return nil, nil
	}
	var sd []sdElement
	seen := map[string]bool{}
	for c.eat('[') {
		e := sdElement{ID: c.printable(maxSDName, true)}
		if e.ID == "" || seen[e.ID] {
			return nil, fmt.Errorf("bad or repeated SD-ID at %d", c.i)
		}
		seen[e.ID] = true
		for !c.eat(']') {
			param, err := c.sdParam()
			if err != nil {
				return nil, err
			}
			e.Params = append(e.Params, param)
		}
		sd = append(sd, e)
	}
	if sd == nil {
		return nil, errors.New("no STRUCTURED-DATA")
	}
	return sd, nil
}

func (c *cursor) sdParam() (sdParam, error) {
	var p sdParam
	if !c.eat(' ') {
		return p, fmt.Errorf("want SP or ] at %d", c.i)
	}
	if p.Name = c.printable(maxSDName, true); p.Name == "" || !c.eat('=') || !c.eat('"') {
		return p, fmt.Errorf("bad PARAM-NAME at %d", c.i)
	}
	var v strings.Builder
	for c.i < len(c.s) {
		b := c.s[c.i]
		c.i++
		switch b {
		case '"':
			if !utf8.ValidString(v.String()) {
				return p, errors.New("PARAM-VALUE is not UTF-8")
			}
			p.Value = v.String()
			return p, nil
		case ']':
			return p, fmt.Errorf("unescaped ] at %d", c.i-1)
		case '\\':
			if c.i >= len(c.s) || !strings.ContainsRune(`"\]`, rune(c.s[c.i])) {
				return p, fmt.Errorf("invalid escape at %d", c.i-1)
			}
			b = c.s[c.i]
			c.i++
		}
		v.WriteByte(b)
	}
	return p, errors.New("unterminated PARAM-VALUE")
}

func (c *cursor) message(p *parsedSyslog) error {
	if c.i == len(c.s) {
		return nil
	}
	if !c.eat(' ') {
		return fmt.Errorf("want SP before MSG at %d", c.i)
	}
	p.hasMsg, p.msg = true, c.s[c.i:]
	if rest, ok := strings.CutPrefix(p.msg, utf8BOM); ok {
		p.bom, p.msg = true, rest
		if !utf8.ValidString(rest) {
			return errors.New("MSG-UTF8 is not UTF-8")
		}
	}
	return nil
}

// FuzzSyslogFormat formats arbitrary fields and checks that the strict
// parser reads the message back: PRI, every header field sanitised as
// documented, each SD-PARAM value exactly (invalid UTF-8 bytes as U+FFFD),
// MSG with a BOM exactly when it is not ASCII, and the time to the
// microsecond.
func FuzzSyslogFormat(f *testing.F) {
	f.Add(16, 3, 2026, int64(123456789), 0, "node-1", "bulwark", "4242", "K8S_Exec", "alert@32473", "user", `a"b\c]d`, "Shell in pod")
	f.Add(-1, 99, 10000, int64(0), 3600, "", "", "", "", "", "", "", "ünïcode")
	f.Add(23, 7, 1, int64(-1), -17762, "h h", "a=b", "p]", "m\"", "id with space", "n=m", "\xff\xfe", "\xef\xbb\xbfbom")
	f.Fuzz(func(t *testing.T, fac, sev, year int, nsec int64, off int, host, app, proc, msgID, sdID, name, value, msg string) {
		ts := time.Date(year, 1, 1, 0, 0, 0, 0, time.FixedZone("", off%(48*3600))).Add(time.Duration(nsec))
		m := syslogMessage{Facility: fac, Severity: sev, Time: ts, Hostname: host, AppName: app, ProcID: proc, MsgID: msgID,
			SD: []sdElement{{ID: sdID, Params: []sdParam{{name, value}, {"fixed", value + "]"}}}, {ID: "z@1"}}, Msg: msg}
		if sdID == "z@1" {
			t.Skip("SD-IDs must not repeat; the formatter leaves that to its caller")
		}
		out := string(m.appendTo(nil))
		p, err := parseRFC5424(out)
		if err != nil {
			t.Fatalf("strict parser rejects %q: %v", out, err)
		}
		if want := min(max(fac, 0), 23)*8 + min(max(sev, 0), 7); p.pri != want {
			t.Errorf("PRI %d, want %d", p.pri, want)
		}
		for _, h := range []struct {
			got, in string
			limit   int
		}{{p.hostname, host, maxHostname}, {p.appName, app, maxAppName}, {p.procID, proc, maxProcID}, {p.msgID, msgID, maxMsgID}} {
			checkHeaderField(t, h.got, h.in, h.limit)
		}
		wantValue := string([]rune(value))
		if len(p.sd) != 2 || len(p.sd[0].Params) != 2 || p.sd[0].Params[0].Value != wantValue || p.sd[0].Params[1].Value != wantValue+"]" {
			t.Errorf("SD %+v, want values %q", p.sd, wantValue)
		}
		checkMsg(t, p, msg)
		checkTimestamp(t, p.timestamp, ts)
	})
}

// checkHeaderField: NILVALUE for empty input, the input itself when it is
// PRINTUSASCII within the limit, else as many bytes as fit, each kept or '_'.
func checkHeaderField(t *testing.T, got, in string, limit int) {
	t.Helper()
	switch {
	case in == "":
		if got != "-" {
			t.Errorf("empty header field sent as %q", got)
		}
	case printableASCII(in) && len(in) <= limit:
		if got != in {
			t.Errorf("header field %q read back as %q", in, got)
		}
	case len(got) != min(len(in), limit):
		t.Errorf("header field %q (limit %d) read back as %q", in, limit, got)
	default:
		for i := range len(got) {
			if got[i] != in[i] && got[i] != '_' {
				t.Errorf("header field %q read back as %q", in, got)
				break
			}
		}
	}
}

func checkMsg(t *testing.T, p parsedSyslog, msg string) {
	t.Helper()
	ascii := !strings.ContainsFunc(msg, func(r rune) bool { return r >= utf8.RuneSelf })
	switch {
	case msg == "":
		if p.hasMsg {
			t.Errorf("empty MSG sent as %q", p.msg)
		}
	case p.bom == ascii:
		t.Errorf("MSG %q: BOM %v", msg, p.bom)
	case ascii && p.msg != msg, !ascii && p.msg != string([]rune(msg)):
		t.Errorf("MSG %q read back as %q", msg, p.msg)
	}
}

func checkTimestamp(t *testing.T, got string, ts time.Time) {
	t.Helper()
	if u := ts.UTC(); u.Year() < 1 || u.Year() > 9998 {
		return // near the edges the offset decides; the parser has checked the form
	}
	if got == "-" {
		t.Errorf("time %v sent as NILVALUE", ts)
		return
	}
	back, err := time.Parse(time.RFC3339Nano, got)
	if err != nil || !back.Equal(ts.Truncate(time.Microsecond)) {
		t.Errorf("time %v sent as %s (%v)", ts, got, err)
	}
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 33 || s[i] > 126 {
			return false
		}
	}
	return true
}

func BenchmarkSyslogFormat(b *testing.B) {
	s := newSyslog("udp", "127.0.0.1:514", "bulwark", nil, []SyslogOption{WithHostname("node-1")})
	m := s.message(sampleAlert(), time.Now())
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		buf = m.appendTo(buf[:0])
	}
}
