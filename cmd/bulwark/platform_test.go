package main

import "testing"

func TestParsePlatform(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"linux/amd64", "linux/amd64", true},
		{"linux/arm64/v8", "linux/arm64/v8", true},
		{"windows/amd64:10.0.17763", "windows/amd64:10.0.17763", true},
		{"linux", "", false},
		{"/amd64", "", false},
		{"linux/", "", false},
		{"linux/arm/v7/x", "", false},
	}
	for _, tt := range tests {
		p, err := parsePlatform(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("parsePlatform(%q): err %v, want ok %v", tt.in, err, tt.ok)
			continue
		}
		if err == nil && p.String() != tt.want {
			t.Errorf("parsePlatform(%q) = %s, want %s", tt.in, p, tt.want)
		}
	}
}
