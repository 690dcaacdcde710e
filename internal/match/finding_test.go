package match

import (
	"testing"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/vulndb"
)

// TestFinding: each vulnerability status maps to one of the five finding
// statuses, and a fixed version becomes the remediation.
func TestFinding(t *testing.T) {
	img := finding.Target{Kind: finding.TargetImage, ID: "image:sha256:1", Name: "app"}
	tests := []struct {
		status Status
		fixed  string
		want   finding.Status
		remedy string
	}{
		{StatusFixed, "1.2.3", finding.StatusFail, "Upgrade zlib to 1.2.3."},
		{StatusAffected, "", finding.StatusFail, ""},
		{StatusWontFix, "", finding.StatusWarn, ""},
		{StatusUnknown, "", finding.StatusError, ""},
		{StatusNotAffected, "", finding.StatusSkip, ""},
	}
	for _, tt := range tests {
		v := Vulnerability{ID: "CVE-1", Package: PackageRef{ID: "p", Name: "zlib", Type: "deb"}, Installed: "1.2.0", Fixed: tt.fixed,
			Status: tt.status, Rating: vulndb.Rating{Severity: finding.SeverityHigh, Score: 7.5}, Path: "var/lib/dpkg/status", Layer: "sha256:l"}
		f := v.Finding(img)
		if f.Status != tt.want || f.Remediation != tt.remedy || f.Kind != finding.KindVulnerability || f.RuleID != "CVE-1" {
			t.Errorf("%s: status %s, remediation %q; want %s, %q", tt.status, f.Status, f.Remediation, tt.want, tt.remedy)
		}
		d := f.Vulnerability
		if d == nil || d.Fix != string(tt.status) || d.Package.Name != "zlib" || d.Score != 7.5 || f.Location.Layer != "sha256:l" || f.Target != img {
			t.Errorf("%s: detail %+v, location %+v", tt.status, d, f.Location)
		}
	}
}
