package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// egressPolicy decides which addresses the server may connect to when it
// talks to a registry an admin configured: a registry URL must not turn
// Bulwark into a proxy into the cloud's metadata service, the private
// network it runs in, or itself.
type egressPolicy struct {
	// allow are private ranges admins allowed (--registry-allow).
	allow []netip.Prefix
	// loopback allows this machine's loopback: by default only while the
	// server itself listens on loopback (a developer's machine).
	loopback bool
	// self is the address the server listens on (refused: no registry is
	// Bulwark itself); local are this machine's addresses, which reach a
	// listener on all of them.
	self  netip.AddrPort
	local []netip.Addr
}

// metadataAddrs are cloud instance metadata services outside link-local
// ranges (AWS's IPv6 one, Alibaba's); link-local ones are refused anyway.
var metadataAddrs = []netip.Addr{netip.MustParseAddr("fd00:ec2::254"), netip.MustParseAddr("100.100.100.200")}

// metadataHosts are names of metadata services.
var metadataHosts = []string{"metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal"}

// newEgressPolicy builds the policy for a server listening on listen.
func newEgressPolicy(listen string, allow []netip.Prefix) egressPolicy {
	p := egressPolicy{allow: allow}
	if ap, err := netip.ParseAddrPort(listen); err == nil {
		p.self = ap
		p.loopback = ap.Addr().Unmap().IsLoopback()
		if ap.Addr().IsUnspecified() {
			p.local = localAddrs()
		}
	}
	return p
}

// localAddrs are the addresses of this machine's interfaces.
func localAddrs() []netip.Addr {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var out []netip.Addr
	for _, a := range addrs {
		if pr, err := netip.ParsePrefix(a.String()); err == nil {
			out = append(out, pr.Addr().Unmap())
		}
	}
	return out
}

// check says why the server may not connect to ap, or nil.
func (p egressPolicy) check(ap netip.AddrPort) error {
	a := ap.Addr().Unmap()
	switch {
	case !a.IsValid() || a.IsUnspecified() || a.IsMulticast() || a.IsInterfaceLocalMulticast():
		return fmt.Errorf("address %s is not a registry address", a)
	case a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() || isMetadata(a):
		return fmt.Errorf("address %s is link-local or a cloud metadata service: never allowed", a)
	case p.isSelf(netip.AddrPortFrom(a, ap.Port())):
		return fmt.Errorf("address %s is this Bulwark server itself", netip.AddrPortFrom(a, ap.Port()))
	case p.allowed(a):
		return nil
	case a.IsLoopback():
		if p.loopback {
			return nil
		}
		return fmt.Errorf("address %s is loopback: allowed only while the server listens on loopback, or with --registry-allow", a)
	case a.IsPrivate() || sharedAddressSpace.Contains(a):
		return fmt.Errorf("address %s is in a private range: allow it with --registry-allow CIDR", a)
	}
	return nil
}

// sharedAddressSpace is carrier-grade NAT space (RFC 6598), private in
// all but name.
var sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10")

func isMetadata(a netip.Addr) bool {
	for _, m := range metadataAddrs {
		if a == m {
			return true
		}
	}
	return false
}

func (p egressPolicy) allowed(a netip.Addr) bool {
	for _, pr := range p.allow {
		if pr.Contains(a) {
			return true
		}
	}
	return false
}

// isSelf reports whether ap reaches the server's own listener: its port
// on its address; on loopback when it listens there (127.0.0.1 and ::1
// alike); on loopback or any of this machine's addresses when it listens
// on all of them. Another host's service on the same port is not self.
func (p egressPolicy) isSelf(ap netip.AddrPort) bool {
	if !p.self.IsValid() || ap.Port() != p.self.Port() {
		return false
	}
	s, a := p.self.Addr().Unmap(), ap.Addr()
	switch {
	case s == a, s.IsLoopback() && a.IsLoopback():
		return true
	case s.IsUnspecified():
		return a.IsLoopback() || slices.Contains(p.local, a)
	}
	return false
}

// checkHost vets a registry host (host or host:port, as in its URL) when
// an admin connects it: literal addresses and what the name resolves to
// now. A name that does not resolve yet is accepted; every connection is
// checked again when it is made (dial), which also defeats a name that
// later resolves elsewhere.
func (p egressPolicy) checkHost(ctx context.Context, hostport, scheme string) error {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = hostport, map[string]string{"http": "80", "https": "443"}[scheme]
	}
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	for _, m := range metadataHosts {
		if host == m {
			return fmt.Errorf("host %s is a cloud metadata service: never allowed", host)
		}
	}
	portNum, err := parsePort(port)
	if err != nil {
		return err
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return p.check(netip.AddrPortFrom(a, portNum))
	}
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(rctx, "ip", host)
	if err != nil {
		return nil
	}
	for _, a := range addrs {
		if err := p.check(netip.AddrPortFrom(a, portNum)); err != nil {
			return fmt.Errorf("host %s resolves to %s: %w", host, a, err)
		}
	}
	return nil
}

func parsePort(s string) (uint16, error) {
	n, err := strconv.ParseUint(s, 10, 16)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("bad port %q", s)
	}
	return uint16(n), nil
}

// errEgress marks connections the policy refused.
var errEgress = errors.New("refused by the registry address policy")

// dialContext connects like net.Dialer, checking each address it is about
// to connect to (after name resolution) against the policy.
func (p egressPolicy) dialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	d := net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second,
		Control: func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("%w: %s: %v", errEgress, address, err)
			}
			if err := p.check(ap); err != nil {
				return fmt.Errorf("%w: %v", errEgress, err)
			}
			return nil
		}}
	return d.DialContext(ctx, network, addr)
}
