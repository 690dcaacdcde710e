package sbom

import (
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// The fixtures under testdata/python/lock were written by hand in the formats
// Poetry 1 and 2, Pipenv and pip-compile write.
func TestPythonLockCatalog(t *testing.T) {
	tests := []struct {
		path string
		// want lists "name@version", with " dev" for development dependencies.
		want []string
	}{
		{"srv/poetry2/poetry.lock", []string{
			"certifi@2025.1.31", "charset-normalizer@3.4.1", "pytest@8.3.4 dev", "requests@2.32.3"}},
		{"srv/poetry1/poetry.lock", []string{"Django@3.2.25", "black@22.12.0 dev", "mylib@0.1.0"}},
		{"srv/pipenv/Pipfile.lock", []string{"flask@3.0.2", "jinja2@3.1.3", "werkzeug@3.0.1", "pytest@7.4.4 dev"}},
		{"srv/pip/requirements.txt", []string{
			"certifi@2024.2.2", "charset-normalizer@3.3.2", "idna@3.6", "requests@2.31.0", "urllib3@2.2.1"}},
		{"srv/pip/requirements-dev.txt", []string{
			"pytest@8.0.0", "PyYAML@6.0.1", "typing_extensions@4.9.0", "coverage@7.4.1", "six@1.16.0"}},
		{"srv/pip/requirements/prod.txt", []string{"gunicorn@21.2.0", "whitenoise@6.6.0"}},
	}
	pkgs, err := langCatalogFS(t, newPythonLockCataloger(), os.DirFS("testdata/python/lock"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, p := range pkgs {
		s := p.Name + "@" + p.Version
		if p.Metadata["dev"] == "true" {
			s += " dev"
		}
		got[p.Locations[0].Path] = append(got[p.Locations[0].Path], s)
		if p.Type != TypePython || p.Ecosystem != "PyPI" || p.PURL != "pkg:pypi/"+pyNormalizeName(p.Name)+"@"+p.Version {
			t.Errorf("%s: type %q ecosystem %q purl %q", s, p.Type, p.Ecosystem, p.PURL)
		}
	}
	for _, tt := range tests {
		if !slices.Equal(got[tt.path], tt.want) {
			t.Errorf("%s: got %q, want %q", tt.path, got[tt.path], tt.want)
		}
		delete(got, tt.path)
	}
	if len(got) > 0 {
		t.Errorf("unexpected files read: %v", got)
	}
}

func TestPythonLockErrors(t *testing.T) {
	fsys := fstest.MapFS{
		"a/poetry.lock":      {Data: []byte("[[package]\nname=")},
		"b/Pipfile.lock":     {Data: []byte(`{"default": [`)},
		"c/requirements.txt": {Data: []byte("ok==1.0\n")},
	}
	pkgs, err := langCatalogFS(t, newPythonLockCataloger(), fsys)
	if len(pkgs) != 1 || pkgs[0].Name != "ok" {
		t.Errorf("got %+v, want the one good pin", pkgs)
	}
	for _, p := range []string{"a/poetry.lock", "b/Pipfile.lock"} {
		if err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("error %v does not name %s", err, p)
		}
	}
}

func TestPythonLockMatch(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"app/poetry.lock", true},
		{"poetry.lock", true},
		{"app/Pipfile.lock", true},
		{"app/Pipfile", false},
		{"requirements.txt", true},
		{"app/requirements-dev.txt", true},
		{"app/requirements_test.txt", true},
		{"app/requirements/base.txt", true},
		{"requirements/base.txt", true},
		{"app/requirements.in", false},
		{"app/notes.txt", false},
		{"app/dev-requirements.txt", false},
		{"app/xrequirements/base.txt", false},
	}
	c := newPythonLockCataloger()
	for _, tt := range tests {
		if got := c.Match(tt.name, 0); got != tt.want {
			t.Errorf("Match(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
	if c.Match("app/poetry.lock", fs.ModeDir) {
		t.Error("Match took a directory")
	}
}

func TestRequirementsPins(t *testing.T) {
	tests := []struct {
		in   string
		want string // "name==version", or "" when the line pins nothing
	}{
		{"requests==2.31.0", "requests==2.31.0"},
		{"  requests == 2.31.0  ", "requests==2.31.0"},
		{"requests[socks, security]==2.31.0", "requests==2.31.0"},
		{`requests==2.31.0 ; python_version < "3"`, "requests==2.31.0"},
		{"requests==2.31.0 --hash=sha256:abc --hash sha256:def", "requests==2.31.0"},
		{"Zope.Interface===6.0", "Zope.Interface==6.0"},
		{"torch==2.2.0+cpu", "torch==2.2.0+cpu"},
		{"pkg==1!2.0.post1", "pkg==1!2.0.post1"},
		{"requests>=2.31.0", ""},
		{"requests~=2.31", ""},
		{"requests==2.*", ""},
		{"requests==2.31.0,!=2.31.1", ""},
		{"requests", ""},
		{"requests==", ""},
		{"-e .", ""},
		{"--requirement other.txt", ""},
		{"name @ https://example.com/name-1.0.tar.gz", ""},
		{"https://example.com/name-1.0.tar.gz#egg=name==1.0", ""},
		{"${PKG}==1.0", ""},
		{"-bad-==1.0", ""},
		{"[extra]==1.0", ""},
	}
	for _, tt := range tests {
		pin, ok := pyParsePin(tt.in)
		got := ""
		if ok {
			got = pin.Name + "==" + pin.Version
		}
		if got != tt.want {
			t.Errorf("pyParsePin(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRequirementsFile(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"continuations", "a==1 \\\n  --hash=sha256:x \\\n  --hash=sha256:y\nb==2\n", []string{"a==1", "b==2"}},
		{"comment ends continuation", "a==1 # c \\\nb==2\n", []string{"a==1", "b==2"}},
		{"url fragment kept", "c==3 --hash=sha256:x#y\n", []string{"c==3"}},
		{"backslash at EOF", "d==4 \\", []string{"d==4"}},
		{"no newline", "e==5", []string{"e==5"}},
		{"CRLF", "f==6\r\ng==7\r\n", []string{"f==6", "g==7"}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pins, err := pyParseRequirements(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range pins {
				got = append(got, p.Name+"=="+p.Version)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzRequirements(f *testing.F) {
	for _, s := range []string{
		"a==1\n", "requests[socks]==2.31.0 ; python_version<'3' \\\n --hash=sha256:ab\n",
		"# c\n-r x.txt\nb>=1\n", "x==1 \\", "\\\n\\\n==\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		pins, err := pyParseRequirements(strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pins {
			again, ok := pyParsePin(p.Name + "==" + p.Version)
			if !ok || again != p {
				t.Errorf("pin %+v does not parse back: %+v %v", p, again, ok)
			}
			if strings.ContainsAny(p.Name+p.Version, " \t\n\r#;=[]") {
				t.Errorf("unclean pin %+v", p)
			}
		}
	})
}
