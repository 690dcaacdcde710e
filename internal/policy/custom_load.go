package policy

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// maxRuleFile bounds one custom rule file.
const maxRuleFile = 1 << 20

// LoadError is a custom rule file that cannot be loaded: the file, the
// line, the rule (when known) and why, such as the CEL compiler's error.
// It is a user error.
type LoadError struct {
	File string
	Line int
	Rule string
	Err  error
}

func (e *LoadError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Rule != "" {
		b.WriteString(": rule " + e.Rule)
	}
	b.WriteString(": " + e.Err.Error())
	return b.String()
}

func (e *LoadError) Unwrap() error { return e.Err }

// LoadCustomRules reads the custom rules of the given files and folders (a
// folder holds rule files: its *.yaml and *.yml, not its subfolders). The
// paths are those of Config.CustomRules, relative to the configuration
// file, so fsys is rooted at the configuration file's folder; a path
// leaving it is refused. Every broken rule is reported (errors.Join of
// *LoadError), and then no rule is returned: a half-loaded rule set would
// silently check less than its author meant.
func LoadCustomRules(fsys fs.FS, paths []string) ([]*Rule, error) {
	envs, err := newCELEnvs()
	if err != nil {
		return nil, err
	}
	files, errs := ruleFiles(fsys, paths)
	var rules []*Rule
	seen := map[string]string{}
	for _, f := range files {
		rs, ferrs := loadFile(envs, fsys, f, seen)
		rules = append(rules, rs...)
		errs = append(errs, ferrs...)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return rules, nil
}

// ruleFiles expands folders into their rule files, in name order.
func ruleFiles(fsys fs.FS, paths []string) ([]string, []error) {
	var files []string
	var errs []error
	for _, p := range paths {
		clean := path.Clean(p)
		if !fs.ValidPath(clean) {
			errs = append(errs, &LoadError{File: p, Err: errors.New("custom rule paths are relative to the configuration file and stay in its folder")})
			continue
		}
		fi, err := fs.Stat(fsys, clean)
		if err != nil {
			errs = append(errs, &LoadError{File: p, Err: err})
			continue
		}
		if !fi.IsDir() {
			files = append(files, clean)
			continue
		}
		entries, err := fs.ReadDir(fsys, clean)
		if err != nil {
			errs = append(errs, &LoadError{File: p, Err: err})
			continue
		}
		for _, e := range entries {
			if !e.IsDir() && (strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml")) {
				files = append(files, path.Join(clean, e.Name()))
			}
		}
	}
	return slices.Compact(files), errs
}

// loadFile compiles one file's rules; seen maps the IDs loaded so far to
// where, so that a duplicate names both places.
func loadFile(envs *celEnvs, fsys fs.FS, name string, seen map[string]string) ([]*Rule, []error) {
	data, err := readLimited(fsys, name)
	if err != nil {
		return nil, []error{&LoadError{File: name, Err: err}}
	}
	specs, errs := readSpecs(data)
	for i, err := range errs {
		errs[i] = locate(name, "", err)
	}
	var rules []*Rule
	for _, s := range specs {
		where := fmt.Sprintf("%s:%d", name, s.line)
		if prev, dup := seen[s.ID]; dup && s.ID != "" {
			errs = append(errs, locate(name, s.ID, errAt(s.line, "id already used at %s", prev)))
			continue
		}
		r, err := compileRule(envs, s)
		if err != nil {
			errs = append(errs, locate(name, s.ID, err))
			continue
		}
		seen[s.ID] = where
		rules = append(rules, r)
	}
	return rules, errs
}

func readLimited(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxRuleFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxRuleFile {
		return nil, fmt.Errorf("larger than %d bytes", maxRuleFile)
	}
	return data, nil
}

// locate turns an error of a rule file into a *LoadError, taking the line
// from a *lineError.
func locate(file, rule string, err error) error {
	le := &LoadError{File: file, Rule: rule, Err: err}
	var at *lineError
	if errors.As(err, &at) {
		le.Line, le.Err = at.line, at.err
		if at.rule != "" {
			le.Rule = at.rule
		}
	}
	return le
}
