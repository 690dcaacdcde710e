package alert

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// syslogMessage is one RFC 5424 message, before formatting.
type syslogMessage struct {
	Facility int // 0..23
	Severity int // 0..7
	Time     time.Time
	Hostname string
	AppName  string
	ProcID   string
	MsgID    string
	SD       []sdElement
	Msg      string
}

// sdElement is one SD-ELEMENT: an SD-ID and its parameters. Parameter names
// may repeat; SD-IDs must not repeat within a message.
type sdElement struct {
	ID     string
	Params []sdParam
}

type sdParam struct{ Name, Value string }

// Field limits from the RFC 5424 ABNF (section 6).
const (
	maxHostname = 255
	maxAppName  = 48
	maxProcID   = 128
	maxMsgID    = 32
	maxSDName   = 32
)

// utf8BOM starts a MSG that is UTF-8 (MSG-UTF8 in RFC 5424 section 6.4).
const utf8BOM = "\uFEFF"

// timestampLayout is TIMESTAMP: RFC 3339 with at most six fraction digits.
const timestampLayout = "2006-01-02T15:04:05.999999Z07:00"

// appendTo formats m as RFC 5424 onto b:
//
//	<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [SP MSG]
//
// Header fields are cut to their maximum length, characters outside
// PRINTUSASCII become '_', and empty ones are the NILVALUE "-". MSG is
// omitted when empty, sent as is when it is ASCII (MSG-ANY), and otherwise
// as UTF-8 after a BOM (MSG-UTF8), as the RFC requires of UTF-8 messages;
// the BOM is not added to ASCII messages because many receivers show it as
// garbage.
func (m *syslogMessage) appendTo(b []byte) []byte {
	b = append(b, '<')
	b = strconv.AppendInt(b, int64(clampInt(m.Facility, 0, 23)*8+clampInt(m.Severity, 0, 7)), 10)
	b = append(b, ">1 "...)
	b = appendTimestamp(b, m.Time)
	b = appendHeaderField(append(b, ' '), m.Hostname, maxHostname)
	b = appendHeaderField(append(b, ' '), m.AppName, maxAppName)
	b = appendHeaderField(append(b, ' '), m.ProcID, maxProcID)
	b = appendHeaderField(append(b, ' '), m.MsgID, maxMsgID)
	b = append(b, ' ')
	b = appendSD(b, m.SD)
	if m.Msg != "" {
		b = append(b, ' ')
		b = appendMsg(b, m.Msg)
	}
	return b
}

func clampInt(v, lo, hi int) int { return max(lo, min(v, hi)) }

// appendTimestamp writes t, or "-" when t is zero or its year has no four
// digit form. Offsets that are not whole minutes (historic local mean
// times) or not within a day cannot be written, so such times are given in
// UTC.
func appendTimestamp(b []byte, t time.Time) []byte {
	if _, off := t.Zone(); off%60 != 0 || off <= -24*3600 || off >= 24*3600 {
		t = t.UTC()
	}
	if t.IsZero() || t.Year() < 0 || t.Year() > 9999 {
		return append(b, '-')
	}
	return t.AppendFormat(b, timestampLayout)
}

func appendHeaderField(b []byte, s string, limit int) []byte {
	if s == "" {
		return append(b, '-')
	}
	return appendPrintable(b, s, limit, false)
}

// appendPrintable writes up to limit bytes of s, each outside PRINTUSASCII
// (and, for SD names, each of '=', ' ', ']', '"') replaced by '_'. Every
// byte of a multi-byte character is replaced, so the length in bytes of the
// output is that of the input.
func appendPrintable(b []byte, s string, limit int, sdName bool) []byte {
	for i := 0; i < len(s) && i < limit; i++ {
		c := s[i]
		if c < 33 || c > 126 || sdName && (c == '=' || c == ']' || c == '"') {
			c = '_'
		}
		b = append(b, c)
	}
	return b
}

func appendSD(b []byte, sd []sdElement) []byte {
	if len(sd) == 0 {
		return append(b, '-')
	}
	for _, e := range sd {
		b = appendSDName(append(b, '['), e.ID)
		for _, p := range e.Params {
			b = appendSDName(append(b, ' '), p.Name)
			b = appendParamValue(append(b, '=', '"'), p.Value)
			b = append(b, '"')
		}
		b = append(b, ']')
	}
	return b
}

// appendSDName writes an SD-ID or PARAM-NAME; an empty one becomes "_"
// because the grammar needs at least one character.
func appendSDName(b []byte, s string) []byte {
	if s == "" {
		return append(b, '_')
	}
	return appendPrintable(b, s, maxSDName, true)
}

// appendParamValue writes s as PARAM-VALUE: UTF-8 (invalid bytes become
// U+FFFD) with '"', '\' and ']' escaped by a backslash (section 6.3.3).
func appendParamValue(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == '"' || c == '\\' || c == ']' {
				b = append(b, '\\')
			}
			b = append(b, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		b = utf8.AppendRune(b, r) // RuneError for invalid bytes
		i += n
	}
	return b
}

func appendMsg(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return appendValidUTF8(append(b, utf8BOM...), s)
		}
	}
	return append(b, s...)
}

func appendValidUTF8(b []byte, s string) []byte {
	if utf8.ValidString(s) {
		return append(b, s...)
	}
	for _, r := range s {
		b = utf8.AppendRune(b, r)
	}
	return b
}
