package finding

import "testing"

func TestParseSeverity(t *testing.T) {
	tests := []struct {
		in      string
		want    Severity
		wantErr bool
	}{
		{"critical", SeverityCritical, false},
		{"HIGH", SeverityHigh, false},
		{" medium ", SeverityMedium, false},
		{"negligible", SeverityInformational, false},
		{"severe", SeverityUnknown, true},
	}
	for _, tt := range tests {
		got, err := ParseSeverity(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseSeverity(%q) = %v, %v; want %v, err %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestSeverityTextRoundTrip(t *testing.T) {
	for s := SeverityUnknown; s <= SeverityCritical; s++ {
		b, _ := s.MarshalText()
		var back Severity
		if err := back.UnmarshalText(b); err != nil || back != s {
			t.Errorf("round trip of %v gave %v, %v", s, back, err)
		}
	}
	if !(SeverityCritical > SeverityHigh && SeverityLow > SeverityInformational) {
		t.Error("severities must order from least to most severe")
	}
}
