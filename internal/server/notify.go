package server

import (
	"github.com/bulwarksec/bulwark/internal/alert"
	"github.com/bulwarksec/bulwark/internal/store"
)

// notify sends an alert to the configured notifiers (webhook, Slack,
// syslog), asynchronously with retries; nothing when none is configured.
func (s *Server) notify(a *store.Alert) {
	if s.opts.Notifier == nil {
		return
	}
	url := ""
	if s.opts.BaseURL != "" {
		url = s.opts.BaseURL + "/#/alerts"
	}
	err := s.opts.Notifier.Send(alert.Alert{Type: a.Type, Title: a.Title, Severity: a.Severity, Tactics: a.Tactics,
		Entities: a.Entities, Evidence: a.Evidence, Remediation: a.Remediation, Time: a.LastSeen, Count: a.Count,
		Status: a.Status, URL: url})
	if err != nil {
		s.log.Warn("notification dropped", "alert", a.Type, "err", err)
	}
}

// alertFingerprint folds repeats: type plus entities.
func alertFingerprint(a *store.Alert) string {
	return alert.Fingerprint(alert.Alert{Type: a.Type, Entities: a.Entities})
}
