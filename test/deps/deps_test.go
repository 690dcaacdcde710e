// Package deps guards the import rules of ../shared/DESIGN.md: engines
// return values and never reach the store or the server, only the platform
// packages touch the store, and nothing imports cmd/ or web/.
package deps

import (
	"os/exec"
	"strings"
	"testing"
)

const mod = "github.com/bulwarksec/bulwark/"

var (
	engines = []string{"image", "sbom", "version", "vulndb", "match", "policy", "bench", "audit", "agent", "finding", "scan", "kube"}
	// storeUsers may import internal/store.
	storeUsers = []string{"internal/server", "internal/alert", "internal/inventory", "internal/recommend", "internal/store", "cmd/"}
)

// imports maps each package of the module to its direct imports.
func imports(t *testing.T) map[string][]string {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", mod+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	m := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		m[strings.TrimPrefix(f[0], mod)] = f[1:]
	}
	return m
}

func TestImportRules(t *testing.T) {
	for pkg, imps := range imports(t) {
		for _, imp := range imps {
			rel, ours := strings.CutPrefix(imp, mod)
			if !ours {
				continue
			}
			if (strings.HasPrefix(rel, "cmd/") || strings.HasPrefix(rel, "web")) && !strings.HasPrefix(pkg, "cmd/") {
				t.Errorf("%s imports %s: nothing but the binary may import cmd/ or web/", pkg, rel)
			}
			if rel == "internal/store" && !hasPrefixAny(pkg, storeUsers) {
				t.Errorf("%s imports internal/store: only %v may", pkg, storeUsers)
			}
			if isEngine(pkg) && (rel == "internal/store" || rel == "internal/server") {
				t.Errorf("engine %s imports %s", pkg, rel)
			}
		}
	}
}

func isEngine(pkg string) bool {
	for _, e := range engines {
		if pkg == "internal/"+e || strings.HasPrefix(pkg, "internal/"+e+"/") {
			return true
		}
	}
	return false
}

func hasPrefixAny(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func TestRuleCatchesViolation(t *testing.T) {
	if !isEngine("internal/sbom") || isEngine("internal/server") || hasPrefixAny("internal/sbom", storeUsers) {
		t.Fatal("the rule tables do not classify packages as DESIGN.md says")
	}
}
