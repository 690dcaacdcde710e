package alert

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/bulwarksec/bulwark/internal/finding"
)

// slack posts alerts to a Slack incoming webhook.
type slack struct{ p *httpPoster }

var _ Notifier = (*slack)(nil)

// NewSlack returns a Notifier that posts each alert to a Slack incoming
// webhook URL. The message has a one-line "text" (what notifications and
// screen readers show) and one attachment coloured by severity with the
// title linked to the alert, the remediation, and fields for severity,
// status, count, tactics and every entity. Classic attachments rather than
// Block Kit are used because the Slack-compatible receivers (Mattermost,
// Rocket.Chat, Discord's /slack endpoint) render them too. The evidence is
// left out: it can be large and is one click away. A nil client gets one with
// a 30 s timeout that does not follow redirects.
func NewSlack(url string, client *http.Client) Notifier {
	return &slack{p: newHTTPPoster(url, nil, client)}
}

type slackMessage struct {
	Text        string            `json:"text"`
	Attachments []slackAttachment `json:"attachments"`
}

type slackAttachment struct {
	Fallback  string       `json:"fallback"`
	Color     string       `json:"color"`
	Title     string       `json:"title"`
	TitleLink string       `json:"title_link,omitempty"`
	Text      string       `json:"text,omitempty"`
	Fields    []slackField `json:"fields"`
	Footer    string       `json:"footer"`
	Ts        int64        `json:"ts,omitempty"`
}

type slackField struct {
	Title string `json:"title"`
	Value string `json:"value"`
	Short bool   `json:"short"`
}

// slackValueLimit keeps one field readable; Slack itself cuts far later.
const slackValueLimit = 300

func (s *slack) Name() string { return "slack:" + s.p.safe }

func (s *slack) Notify(ctx context.Context, a Alert) error {
	body, err := json.Marshal(slackPayload(a))
	if err != nil {
		return &permanentError{fmt.Errorf("slack %s: encode alert %s: %w", s.p.safe, a.Type, err)}
	}
	return s.p.post(ctx, body)
}

func slackPayload(a Alert) slackMessage {
	a = normalized(a)
	sev := strings.ToUpper(a.Severity)
	if sev == "" {
		sev = "UNKNOWN"
	}
	head := "[" + sev + "] " + a.Title
	text := slackEscape(head)
	if link := slackLink(a.URL); link != "" {
		text += " <" + link + "|View alert>"
	}
	att := slackAttachment{
		Fallback:  slackEscape(head),
		Color:     slackColor(a.Severity),
		Title:     slackEscape(a.Title),
		TitleLink: a.URL,
		Text:      slackEscape(a.Remediation),
		Fields:    slackFields(a),
		Footer:    slackEscape("Bulwark · " + a.Type + " · " + Fingerprint(a)[:12]),
	}
	if !a.Time.IsZero() {
		att.Ts = a.Time.Unix()
	}
	return slackMessage{Text: text, Attachments: []slackAttachment{att}}
}

func slackFields(a Alert) []slackField {
	fs := []slackField{
		{Title: "Severity", Value: a.Severity, Short: true},
		{Title: "Status", Value: a.Status, Short: true},
		{Title: "Count", Value: fmt.Sprint(a.Count), Short: true},
	}
	if len(a.Tactics) > 0 {
		fs = append(fs, slackField{Title: "Tactics", Value: strings.Join(a.Tactics, ", "), Short: true})
	}
	keys := make([]string, 0, len(a.Entities))
	for k := range a.Entities {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fs = append(fs, slackField{Title: k, Value: a.Entities[k], Short: true})
	}
	for i := range fs {
		fs[i].Title = slackEscape(fs[i].Title)
		fs[i].Value = slackEscape(truncateRunes(fs[i].Value, slackValueLimit))
	}
	return fs
}

// slackEscape escapes the three characters Slack's message formatting
// treats as control characters.
func slackEscape(s string) string {
	return slackEscaper.Replace(s)
}

var slackEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// slackLink returns u for use inside <u|label>, or "" when it is not an
// http(s) URL or holds a character that would end the link early.
func slackLink(u string) string {
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return ""
	}
	if strings.ContainsAny(u, "<>| \t\r\n") {
		return ""
	}
	return strings.ReplaceAll(u, "&", "&amp;")
}

func slackColor(severity string) string {
	s, _ := finding.ParseSeverity(severity)
	switch s {
	case finding.SeverityCritical:
		return "#7b0000"
	case finding.SeverityHigh:
		return "#d0342c"
	case finding.SeverityMedium:
		return "#f0a030"
	case finding.SeverityLow:
		return "#3a87ad"
	default:
		return "#999999"
	}
}

// truncateRunes cuts s to at most n runes, marking the cut with an ellipsis.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
