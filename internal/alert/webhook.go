package alert

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// webhook POSTs each alert as JSON to a generic receiver.
type webhook struct{ p *httpPoster }

var _ Notifier = (*webhook)(nil)

// NewWebhook returns a Notifier that POSTs each alert to url as a JSON object
// with the fields type, title, severity, tactics, entities, evidence,
// remediation, time, count, status, url and fingerprint. headers are added
// to every request (for example an Authorization token). A nil client gets
// one with a 30 s timeout that does not follow redirects. A url that cannot
// be used makes every Notify fail without retry.
func NewWebhook(url string, headers map[string]string, client *http.Client) Notifier {
	return &webhook{p: newHTTPPoster(url, headers, client)}
}

// webhookPayload is the JSON body: the alert plus its fingerprint.
type webhookPayload struct {
	Alert
	Fingerprint string `json:"fingerprint"`
}

func (w *webhook) Name() string { return "webhook:" + w.p.safe }

func (w *webhook) Notify(ctx context.Context, a Alert) error {
	body, err := json.Marshal(webhookPayload{Alert: normalized(a), Fingerprint: Fingerprint(a)})
	if err != nil {
		return &permanentError{fmt.Errorf("webhook %s: encode alert %s: %w", w.p.safe, a.Type, err)}
	}
	return w.p.post(ctx, body)
}
