package alert

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/bulwarksec/bulwark/internal/finding"
)

// FacilityLocal0 is the syslog facility alerts are sent with unless
// WithFacility says otherwise (local1 to local7 are 17 to 23).
const FacilityLocal0 = 16

// The SD-IDs of the two SD-ELEMENTs. RFC 5424 wants private SD-IDs to end
// in "@" and the sender's IANA Private Enterprise Number; Bulwark has none
// yet, so it uses 32473, the number RFC 5612 sets aside for documentation.
const (
	sdIDAlert    = "alert@32473"
	sdIDEntities = "entities@32473"
)

// syslogValueLimit bounds the free-text parameters (remediation, URL) and
// MSG in bytes, so a message stays well inside one UDP datagram.
const syslogValueLimit = 2048

// syslogWriteTimeout applies when the caller's ctx has no deadline.
const syslogWriteTimeout = 30 * time.Second

// syslogSender sends alerts as RFC 5424 messages over UDP (RFC 5426), TCP
// with octet counting (RFC 6587 section 3.4.1) or TLS (RFC 5425). A stream
// connection is kept and redialled when it has failed or the server has
// closed it.
type syslogSender struct {
	network  string // udp, tcp or tcp+tls
	addr     string
	tls      *tls.Config
	facility int
	hostname string
	appName  string
	procID   string
	bad      error // why this sender cannot work, if it cannot

	mu   sync.Mutex
	conn net.Conn
}

var _ Notifier = (*syslogSender)(nil)

// SyslogOption changes how NewSyslog and NewSyslogTLS send.
type SyslogOption func(*syslogSender)

// WithFacility sets the syslog facility (0 to 23) instead of local0.
func WithFacility(facility int) SyslogOption {
	return func(s *syslogSender) {
		if facility < 0 || facility > 23 {
			s.bad = fmt.Errorf("syslog facility %d is not between 0 and 23", facility)
		}
		s.facility = facility
	}
}

// WithHostname sets HOSTNAME instead of the machine's host name (in a pod,
// the node name is often the more useful one).
func WithHostname(hostname string) SyslogOption {
	return func(s *syslogSender) { s.hostname = hostname }
}

// NewSyslog returns a Notifier that sends each alert to the syslog server at
// addr over network "udp", "tcp" or "tcp+tls" (the last with the system's
// roots; see NewSyslogTLS). Messages are RFC 5424: facility local0, the
// severity mapped from the alert's (critical to crit, high to err, medium to
// warning, low to notice, informational to info, unknown to warning), the
// alert time as TIMESTAMP, appName as APP-NAME (default "bulwark"), the
// alert type as MSGID, the title as MSG, and two SD-ELEMENTs:
// [alert@32473 type severity status count fingerprint tactics url
// remediation] and [entities@32473 one parameter per entity].
func NewSyslog(network, addr, appName string, opts ...SyslogOption) Notifier {
	return newSyslog(network, addr, appName, nil, opts)
}

// NewSyslogTLS is NewSyslog over TLS (RFC 5425) with cfg; a nil cfg
// verifies the server against the system's roots.
func NewSyslogTLS(addr, appName string, cfg *tls.Config, opts ...SyslogOption) Notifier {
	return newSyslog("tcp+tls", addr, appName, cfg, opts)
}

func newSyslog(network, addr, appName string, cfg *tls.Config, opts []SyslogOption) *syslogSender {
	s := &syslogSender{network: network, addr: addr, tls: cfg, facility: FacilityLocal0,
		appName: appName, procID: strconv.Itoa(os.Getpid())}
	s.hostname, _ = os.Hostname() // "" is sent as the NILVALUE
	if s.appName == "" {
		s.appName = "bulwark"
	}
	if network != "udp" && network != "tcp" && network != "tcp+tls" {
		s.bad = fmt.Errorf("syslog network %q is not udp, tcp or tcp+tls", network)
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

func (s *syslogSender) Name() string { return "syslog:" + s.network + "://" + s.addr }

func (s *syslogSender) Notify(ctx context.Context, a Alert) error {
	if s.bad != nil {
		return &permanentError{fmt.Errorf("%s: %w", s.Name(), s.bad)}
	}
	m := s.message(a, time.Now())
	msg := m.appendTo(make([]byte, 0, 512))
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.connect(ctx); err != nil {
		return fmt.Errorf("%s: connect: %w", s.Name(), err)
	}
	if err := s.write(ctx, msg); err != nil {
		s.conn.Close()
		s.conn = nil
		return fmt.Errorf("%s: send alert %s: %w", s.Name(), a.Type, err)
	}
	return nil
}

// Close closes the connection, if one is open.
func (s *syslogSender) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil {
		return nil
	}
	err := s.conn.Close()
	s.conn = nil
	return err
}

func (s *syslogSender) write(ctx context.Context, msg []byte) error {
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(syslogWriteTimeout)
	}
	if err := s.conn.SetWriteDeadline(deadline); err != nil {
		return err
	}
	if s.network != "udp" {
		frame := make([]byte, 0, len(msg)+8)
		frame = append(strconv.AppendInt(frame, int64(len(msg)), 10), ' ')
		msg = append(frame, msg...)
	}
	_, err := s.conn.Write(msg)
	return err
}

// connect dials unless a live connection is open. A TCP write to a server
// that has gone away usually succeeds (the kernel buffers it) and the
// message is lost, so a stream connection is first checked for the
// server's close.
func (s *syslogSender) connect(ctx context.Context) error {
	if s.conn != nil && (s.network == "udp" || peerOpen(s.conn)) {
		return nil
	}
	if s.conn != nil {
		s.conn.Close()
		s.conn = nil
	}
	var err error
	switch s.network {
	case "tcp+tls":
		d := tls.Dialer{Config: s.tls}
		s.conn, err = d.DialContext(ctx, "tcp", s.addr)
	default:
		var d net.Dialer
		s.conn, err = d.DialContext(ctx, s.network, s.addr)
	}
	return err
}

// peerOpen reports whether the server has not closed c. Syslog servers never
// send, so a read that times out means open; EOF or a reset means closed.
func peerOpen(c net.Conn) bool {
	if err := c.SetReadDeadline(time.Now().Add(time.Millisecond)); err != nil {
		return false
	}
	var one [1]byte
	_, err := c.Read(one[:])
	_ = c.SetReadDeadline(time.Time{})
	var ne net.Error
	return err == nil || errors.As(err, &ne) && ne.Timeout()
}

// message maps a onto RFC 5424 fields; now stands in for a missing time.
func (s *syslogSender) message(a Alert, now time.Time) syslogMessage {
	a = normalized(a)
	if a.Time.IsZero() {
		a.Time = now
	}
	return syslogMessage{
		Facility: s.facility,
		Severity: syslogSeverity(a.Severity),
		Time:     a.Time,
		Hostname: s.hostname,
		AppName:  s.appName,
		ProcID:   s.procID,
		MsgID:    a.Type,
		SD:       alertSD(a),
		Msg:      truncateBytes(a.Title, syslogValueLimit),
	}
}

func alertSD(a Alert) []sdElement {
	ps := []sdParam{
		{"type", a.Type},
		{"severity", a.Severity},
		{"status", a.Status},
		{"count", strconv.Itoa(a.Count)},
		{"fingerprint", Fingerprint(a)},
	}
	if len(a.Tactics) > 0 {
		ps = append(ps, sdParam{"tactics", strings.Join(a.Tactics, ",")})
	}
	if a.URL != "" {
		ps = append(ps, sdParam{"url", truncateBytes(a.URL, syslogValueLimit)})
	}
	if a.Remediation != "" {
		ps = append(ps, sdParam{"remediation", truncateBytes(a.Remediation, syslogValueLimit)})
	}
	sd := []sdElement{{ID: sdIDAlert, Params: ps}}
	if len(a.Entities) == 0 {
		return sd
	}
	keys := make([]string, 0, len(a.Entities))
	for k := range a.Entities {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	es := make([]sdParam, 0, len(keys))
	for _, k := range keys {
		es = append(es, sdParam{k, truncateBytes(a.Entities[k], syslogValueLimit)})
	}
	return append(sd, sdElement{ID: sdIDEntities, Params: es})
}

// syslogSeverity maps an alert severity onto RFC 5424's numeric ones.
func syslogSeverity(severity string) int {
	s, _ := finding.ParseSeverity(severity)
	switch s {
	case finding.SeverityCritical:
		return 2 // crit
	case finding.SeverityHigh:
		return 3 // err
	case finding.SeverityLow:
		return 5 // notice
	case finding.SeverityInformational:
		return 6 // info
	default:
		return 4 // warning: medium, and anything unknown rather than under-report
	}
}

// truncateBytes cuts s to at most n bytes without splitting a character.
func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
