package kube

import (
	"errors"
	"testing"
)

func TestParseImageID(t *testing.T) {
	const d = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	tests := []struct {
		name, in, want string
		wantErr        bool
	}{
		{"containerd registry digest", "docker.io/library/nginx@" + d, "docker.io/library/nginx@" + d, false},
		{"docker-pullable short name", "docker-pullable://nginx@" + d, "docker.io/library/nginx@" + d, false},
		{"docker-pullable user repo", "docker-pullable://bitnami/redis@" + d, "docker.io/bitnami/redis@" + d, false},
		{"docker.io without library", "docker.io/nginx@" + d, "docker.io/library/nginx@" + d, false},
		{"registry with port", "127.0.0.1:5099/team/app@" + d, "127.0.0.1:5099/team/app@" + d, false},
		{"tag beside digest dropped", "ghcr.io/org/app:v1@" + d, "ghcr.io/org/app@" + d, false},
		{"docker local image ID", "docker://" + d, d, false},
		{"containerd imported image ID", d, d, false},
		{"empty: not started", "", "", true},
		{"tag only, no digest", "nginx:1.27", "", true},
		{"short digest", "nginx@sha256:abc", "", true},
		{"uppercase repo", "docker.io/Library/nginx@" + d, "", true},
		{"bare digest not hex", "sha256:zz", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseImageID(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseImageID(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if got.String() != tt.want {
				t.Errorf("ParseImageID(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	if _, err := ParseImageID(""); !errors.Is(err, ErrNoImageID) {
		t.Errorf("empty imageID: %v, want ErrNoImageID", err)
	}
}
