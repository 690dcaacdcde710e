package alert

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

// rsyslog is a real rsyslogd run in the foreground from a temp dir, never
// the system service: UDP and plain TCP inputs, optionally a TLS input, all
// on loopback, writing every message as one JSON object of the properties
// its RFC 5424 parser filled in, plus the SD parsed by mmpstrucdata.
type rsyslog struct {
	t                 *testing.T
	bin, dir, conf    string
	out               string
	udp, tcp, tlsPort int
	tlsRoots          *x509.CertPool
	cmd               *exec.Cmd
	stderr            *syncBuffer
	exited            chan struct{}
}

// rsyslogRecord is one message as rsyslog parsed it.
type rsyslogRecord struct {
	Input     string `json:"input"`
	Pri       string `json:"pri"`
	Facility  string `json:"facility"`
	Severity  string `json:"severity"`
	Version   string `json:"version"`
	Timestamp string `json:"timestamp"`
	Hostname  string `json:"hostname"`
	AppName   string `json:"appname"`
	ProcID    string `json:"procid"`
	MsgID     string `json:"msgid"`
	SD        string `json:"sd"`
	Msg       string `json:"msg"`
	Raw       string `json:"raw"`
	ParsedSD  string `json:"parsedsd"` // JSON: {SD-ID: {PARAM-NAME: value}}
}

const rsyslogMissing = "rsyslogd is not installed: apt-get install rsyslog rsyslog-gnutls (the test runs its own rsyslogd, not the service)"

// startRsyslog starts rsyslogd and waits until it takes messages.
func startRsyslog(t *testing.T, withTLS bool) *rsyslog {
	t.Helper()
	bin, err := exec.LookPath("rsyslogd")
	if err != nil {
		if _, err := os.Stat("/usr/sbin/rsyslogd"); err != nil {
			testbed.Unavailable(t, "rsyslog", "%s", rsyslogMissing)
		}
		bin = "/usr/sbin/rsyslogd"
	}
	r := &rsyslog{t: t, bin: bin, dir: t.TempDir(), udp: freePort(t, "udp"), tcp: freePort(t, "tcp")}
	r.conf, r.out = filepath.Join(r.dir, "rsyslog.conf"), filepath.Join(r.dir, "out.json")
	tlsConf := ""
	if withTLS {
		if !gtlsInstalled() {
			testbed.Unavailable(t, "rsyslog-gnutls", "rsyslog's TLS driver is not installed: apt-get install rsyslog-gnutls")
		}
		r.tlsPort = freePort(t, "tcp")
		tlsConf = r.writeTLSFiles()
	}
	if err := os.WriteFile(r.conf, []byte(r.config(tlsConf)), 0o600); err != nil {
		t.Fatal(err)
	}
	r.start()
	t.Cleanup(r.stop)
	return r
}

func gtlsInstalled() bool {
	matches, _ := filepath.Glob("/usr/lib/*/rsyslog/lmnsd_gtls.so")
	return len(matches) > 0
}

func (r *rsyslog) config(tlsInput string) string {
	return fmt.Sprintf(`global(workDirectory=%[1]q maxMessageSize="64k")
module(load="imudp")
module(load="imtcp")
module(load="mmpstrucdata")
input(type="imudp" address="127.0.0.1" port="%[2]d")
input(type="imtcp" address="127.0.0.1" port="%[3]d")
%[4]s
template(name="fields" type="list" option.jsonf="on") {
  property(outname="input" name="inputname" format="jsonf")
  property(outname="pri" name="pri" format="jsonf")
  property(outname="facility" name="syslogfacility" format="jsonf")
  property(outname="severity" name="syslogseverity" format="jsonf")
  property(outname="version" name="protocol-version" format="jsonf")
  property(outname="timestamp" name="timestamp" dateFormat="rfc3339" format="jsonf")
  property(outname="hostname" name="hostname" format="jsonf")
  property(outname="appname" name="app-name" format="jsonf")
  property(outname="procid" name="procid" format="jsonf")
  property(outname="msgid" name="msgid" format="jsonf")
  property(outname="sd" name="structured-data" format="jsonf")
  property(outname="msg" name="msg" format="jsonf")
  property(outname="raw" name="rawmsg" format="jsonf")
  property(outname="parsedsd" name="$!rfc5424-sd" format="jsonf")
}
action(type="mmpstrucdata" sd_name.lowercase="off")
action(type="omfile" file=%[5]q template="fields")
`, r.dir, r.udp, r.tcp, tlsInput, r.out)
}

func (r *rsyslog) start() {
	r.t.Helper()
	r.stderr = &syncBuffer{}
	r.cmd = exec.Command(r.bin, "-n", "-f", r.conf, "-i", filepath.Join(r.dir, "rsyslogd.pid"))
	r.cmd.Stdout, r.cmd.Stderr = r.stderr, r.stderr
	if err := r.cmd.Start(); err != nil {
		r.t.Fatalf("start rsyslogd: %v", err)
	}
	r.exited = make(chan struct{})
	go func() { r.cmd.Wait(); close(r.exited) }()
	r.waitReady()
}

// waitReady waits until the TCP inputs accept and a UDP probe comes out.
func (r *rsyslog) waitReady() {
	r.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for _, port := range []int{r.tcp, r.tlsPort} {
		for port != 0 {
			c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second)
			if err == nil {
				c.Close()
				break
			}
			r.checkAlive(deadline)
			time.Sleep(50 * time.Millisecond)
		}
	}
	probe, err := net.Dial("udp", net.JoinHostPort("127.0.0.1", strconv.Itoa(r.udp)))
	if err != nil {
		r.t.Fatal(err)
	}
	defer probe.Close()
	for n := 0; ; n++ {
		fmt.Fprintf(probe, "<13>1 - - probe - - - ready %d", n)
		time.Sleep(50 * time.Millisecond)
		for _, rec := range r.records() {
			if rec.AppName == "probe" {
				return
			}
		}
		r.checkAlive(deadline)
	}
}

func (r *rsyslog) checkAlive(deadline time.Time) {
	r.t.Helper()
	select {
	case <-r.exited:
		r.t.Fatalf("rsyslogd exited: %s", r.stderr)
	default:
	}
	if time.Now().After(deadline) {
		r.t.Fatalf("rsyslogd not ready after 20s: %s", r.stderr)
	}
}

// stop ends rsyslogd (SIGTERM, then SIGKILL) and waits for it.
func (r *rsyslog) stop() {
	if r.cmd == nil || r.cmd.Process == nil {
		return
	}
	r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.exited:
	case <-time.After(10 * time.Second):
		r.cmd.Process.Kill()
		<-r.exited
	}
	r.cmd = nil
}

func (r *rsyslog) records() []rsyslogRecord {
	r.t.Helper()
	b, err := os.ReadFile(r.out)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		r.t.Fatal(err)
	}
	var recs []rsyslogRecord
	dec := json.NewDecoder(bytes.NewReader(b))
	for {
		var rec rsyslogRecord
		switch err := dec.Decode(&rec); {
		case err == io.EOF, errors.Is(err, io.ErrUnexpectedEOF):
			return recs // the end, or a record still being written
		case err != nil:
			r.t.Fatalf("rsyslog output %s: %v", r.out, err)
		}
		recs = append(recs, rec)
	}
}

// await returns the records from app once there are n of them.
func (r *rsyslog) await(app string, n int) []rsyslogRecord {
	r.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var got []rsyslogRecord
		for _, rec := range r.records() {
			if rec.AppName == app {
				got = append(got, rec)
			}
		}
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("rsyslogd logged %d messages from %s, want %d; stderr: %s", len(got), app, n, r.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (r *rsyslog) addr(network string) string {
	port := map[string]int{"udp": r.udp, "tcp": r.tcp, "tcp+tls": r.tlsPort}[network]
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
}

// writeTLSFiles makes a CA and a server certificate for 127.0.0.1 and
// returns the TLS input's configuration.
func (r *rsyslog) writeTLSFiles() string {
	r.t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "bulwark test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		r.t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		r.t.Fatal(err)
	}
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	files := map[string]*pem.Block{
		"ca.pem":   {Type: "CERTIFICATE", Bytes: caDER},
		"cert.pem": {Type: "CERTIFICATE", Bytes: der},
		"key.pem":  {Type: "PRIVATE KEY", Bytes: keyDER},
	}
	for name, block := range files {
		if err := os.WriteFile(filepath.Join(r.dir, name), pem.EncodeToMemory(block), 0o600); err != nil {
			r.t.Fatal(err)
		}
	}
	r.tlsRoots = x509.NewCertPool()
	r.tlsRoots.AddCert(ca)
	return fmt.Sprintf(`input(type="imtcp" address="127.0.0.1" port="%d" streamDriver.name="gtls" streamDriver.mode="1"
  streamDriver.authMode="anon" streamDriver.CAFile=%q streamDriver.CertFile=%q streamDriver.KeyFile=%q)`,
		r.tlsPort, filepath.Join(r.dir, "ca.pem"), filepath.Join(r.dir, "cert.pem"), filepath.Join(r.dir, "key.pem"))
}

func (r *rsyslog) tlsConfig() *tls.Config {
	return &tls.Config{RootCAs: r.tlsRoots, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

// freePort finds a loopback port that is free right now.
func freePort(t *testing.T, network string) int {
	t.Helper()
	if network == "udp" {
		c, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.LocalAddr().(*net.UDPAddr).Port
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
