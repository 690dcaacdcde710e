package server

import (
	"cmp"
	"net"
	"net/netip"
	"sync"
	"time"
)

// Limits bound what clients may hold and send, so that slow or greedy
// callers (with or without a token) cannot starve everyone else.
type Limits struct {
	// MaxConns bounds open connections; MaxConnsPerIP those of one
	// client address. Connections beyond them are closed at once.
	MaxConns, MaxConnsPerIP int
	// ReadHeaderTimeout bounds reading a request's headers, ReadTimeout
	// the whole request with its body, WriteTimeout the answer, and
	// IdleTimeout a kept-alive connection between requests.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// TokenRate is the requests per second one ingest token may make,
	// with bursts of TokenBurst.
	TokenRate  float64
	TokenBurst int
	// EventsPerRequest bounds the image events of one notification
	// request; QueuedScans the scans waiting for one registry.
	EventsPerRequest, QueuedScans int
	// RegistryWait bounds the wait for a registry to start answering a
	// request (0: image.NewTransport's default).
	RegistryWait time.Duration
}

// DefaultLimits are the limits a server uses for zero fields.
func DefaultLimits() Limits {
	return Limits{
		MaxConns: 1024, MaxConnsPerIP: 128,
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute,
		TokenRate: 20, TokenBurst: 100,
		EventsPerRequest: 100, QueuedScans: 1000,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	return Limits{
		MaxConns: cmp.Or(l.MaxConns, d.MaxConns), MaxConnsPerIP: cmp.Or(l.MaxConnsPerIP, d.MaxConnsPerIP),
		ReadHeaderTimeout: cmp.Or(l.ReadHeaderTimeout, d.ReadHeaderTimeout), ReadTimeout: cmp.Or(l.ReadTimeout, d.ReadTimeout),
		WriteTimeout: cmp.Or(l.WriteTimeout, d.WriteTimeout), IdleTimeout: cmp.Or(l.IdleTimeout, d.IdleTimeout),
		TokenRate: cmp.Or(l.TokenRate, d.TokenRate), TokenBurst: cmp.Or(l.TokenBurst, d.TokenBurst),
		EventsPerRequest: cmp.Or(l.EventsPerRequest, d.EventsPerRequest), QueuedScans: cmp.Or(l.QueuedScans, d.QueuedScans),
		RegistryWait: l.RegistryWait,
	}
}

// connLimiter is a listener that closes connections beyond its limits as
// soon as it accepts them, so that one client's idle or slow connections
// cannot use up the process's file descriptors.
type connLimiter struct {
	net.Listener
	max, perIP int
	refused    func() // counts a refused connection

	mu    sync.Mutex
	total int
	byIP  map[netip.Addr]int
}

func newConnLimiter(ln net.Listener, l Limits, refused func()) *connLimiter {
	return &connLimiter{Listener: ln, max: l.MaxConns, perIP: l.MaxConnsPerIP, refused: refused, byIP: map[netip.Addr]int{}}
}

// Accept returns the next connection within the limits.
func (c *connLimiter) Accept() (net.Conn, error) {
	for {
		conn, err := c.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := remoteIP(conn)
		if c.take(ip) {
			return &limitedConn{Conn: conn, release: func() { c.give(ip) }}, nil
		}
		conn.Close()
		c.refused()
	}
}

func (c *connLimiter) take(ip netip.Addr) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.total >= c.max || c.byIP[ip] >= c.perIP {
		return false
	}
	c.total++
	c.byIP[ip]++
	return true
}

func (c *connLimiter) give(ip netip.Addr) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total--
	if c.byIP[ip]--; c.byIP[ip] <= 0 {
		delete(c.byIP, ip)
	}
}

func remoteIP(conn net.Conn) netip.Addr {
	if ap, err := netip.ParseAddrPort(conn.RemoteAddr().String()); err == nil {
		return ap.Addr().Unmap()
	}
	return netip.Addr{}
}

// limitedConn gives its slot back when closed (once).
type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (l *limitedConn) Close() error {
	err := l.Conn.Close()
	l.once.Do(l.release)
	return err
}
