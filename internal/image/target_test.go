package image

import (
	"strings"
	"testing"
)

var hex64 = strings.Repeat("ab", 32)

func TestParseTarget(t *testing.T) {
	tests := []struct {
		in      string
		want    Target
		wantErr bool
	}{
		{"alpine:3.20", Target{SchemeRegistry, "alpine:3.20"}, false},
		{"registry:127.0.0.1:5099/a/b:c", Target{SchemeRegistry, "127.0.0.1:5099/a/b:c"}, false},
		{"localhost:5000/x@sha256:" + hex64, Target{SchemeRegistry, "localhost:5000/x@sha256:" + hex64}, false},
		{"localhost:5000/x@sha256:abc", Target{}, true},
		{"BAD REF!!", Target{}, true},
		{"registry:a/b@sha256:zz", Target{}, true},
		{"docker-archive:/tmp/x.tar", Target{SchemeDockerArchive, "/tmp/x.tar"}, false},
		{"oci-archive:x.tar", Target{SchemeOCIArchive, "x.tar"}, false},
		{"oci-dir:./layout", Target{SchemeOCIDir, "./layout"}, false},
		{"dir:/", Target{SchemeDir, "/"}, false},
		{"docker:nginx:latest", Target{SchemeDocker, "nginx:latest"}, false},
		{"sbom:bom.json", Target{SchemeSBOM, "bom.json"}, false},
		{"", Target{}, true},
		{"dir:", Target{}, true},
		{"https://example.com/x", Target{}, true},
	}
	for _, tt := range tests {
		got, err := ParseTarget(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseTarget(%q) = %+v, %v; want %+v (error %v)", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}
