package sbom

import (
	"testing"
	"testing/fstest"
)

func TestDetectDistro(t *testing.T) {
	tests := []struct {
		name string
		fs   fstest.MapFS
		want Distro
	}{
		{"debian", fstest.MapFS{"etc/os-release": {Data: []byte(`PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION_CODENAME=bookworm
ID=debian
`)}}, Distro{ID: "debian", VersionID: "12", Codename: "bookworm", PrettyName: "Debian GNU/Linux 12 (bookworm)"}},
		{"usr-lib fallback, single quotes", fstest.MapFS{"usr/lib/os-release": {Data: []byte("ID='rocky'\nVERSION_ID='9.3'\nID_LIKE=\"rhel centos fedora\"\n")}},
			Distro{ID: "rocky", VersionID: "9.3", IDLike: []string{"rhel", "centos", "fedora"}}},
		{"sid", fstest.MapFS{"etc/os-release": {Data: []byte("ID=debian\n")}, "etc/debian_version": {Data: []byte("trixie/sid\n")}},
			Distro{ID: "debian", Codename: "trixie/sid"}},
		{"none", fstest.MapFS{}, Distro{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DetectDistro(tt.fs)
			if got.ID != tt.want.ID || got.VersionID != tt.want.VersionID || got.Codename != tt.want.Codename ||
				got.PrettyName != tt.want.PrettyName || len(got.IDLike) != len(tt.want.IDLike) {
				t.Errorf("DetectDistro = %+v, want %+v", got, tt.want)
			}
		})
	}
}
