package vulndb

import "testing"

// TestEcosystemKey: advisories' ecosystem names (as OSV's exports spell
// them) and the names a scan derives from os-release meet on one key.
func TestEcosystemKey(t *testing.T) {
	for in, want := range map[string]string{
		"Debian:12":                             "Debian:12",
		"Ubuntu:22.04:LTS":                      "Ubuntu:22.04",
		"Ubuntu:22.04":                          "Ubuntu:22.04",
		"Ubuntu:Pro:18.04:LTS":                  "Ubuntu:Pro:18.04",
		"Alpine:v3.20":                          "Alpine:v3.20",
		"Red Hat:enterprise_linux:9::baseos":    "Red Hat:9",
		"Red Hat:enterprise_linux:9::appstream": "Red Hat:9",
		"Red Hat:enterprise_linux:8":            "Red Hat:8",
		"Red Hat:9":                             "Red Hat:9",
		"Red Hat:openstack:18.0::el9":           "Red Hat:openstack:18.0::el9",
		"SUSE:Linux Enterprise Server 15 SP5":   "SUSE:15.5",
		"SUSE:Linux Enterprise Server 15":       "SUSE:15",
		"SUSE:Linux Enterprise Micro 5.5":       "SUSE:Linux Enterprise Micro 5.5",
		"openSUSE:Leap 15.5":                    "openSUSE:15.5",
		"openSUSE:Tumbleweed":                   "openSUSE:Tumbleweed",
		"AlmaLinux:9":                           "AlmaLinux:9",
		"PyPI":                                  "PyPI",
	} {
		if got := EcosystemKey(in); got != want {
			t.Errorf("EcosystemKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizeName(t *testing.T) {
	for _, c := range []struct{ eco, in, want string }{
		{"PyPI", "Flask_SQLAlchemy", "flask-sqlalchemy"},
		{"PyPI", "zope.interface", "zope-interface"},
		{"PyPI", "a--b__c", "a-b-c"},
		{"NuGet", "Newtonsoft.Json", "newtonsoft.json"},
		{"Packagist", "Symfony/HTTP-Kernel", "symfony/http-kernel"},
		{"crates.io", "Serde_JSON", "serde-json"},
		{"npm", "@Babel/core", "@Babel/core"},
		{"Maven", "org.apache.logging.log4j:log4j-core", "org.apache.logging.log4j:log4j-core"},
		{"Go", "github.com/BurntSushi/toml", "github.com/BurntSushi/toml"},
	} {
		if got := NormalizeName(c.eco, c.in); got != c.want {
			t.Errorf("NormalizeName(%s, %q) = %q, want %q", c.eco, c.in, got, c.want)
		}
	}
}
