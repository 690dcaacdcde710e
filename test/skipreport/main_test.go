package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// The inputs are real `go test -json` output of testdata/sample (its
// times removed): all of it, and only the tests that pass or skip.
func TestRun(t *testing.T) {
	for _, tc := range []struct {
		name    string
		wantErr bool
	}{
		{"failing", true},
		{"skipping", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, err := os.Open(filepath.Join("testdata", tc.name+".jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close()
			var out bytes.Buffer
			if err := run(in, &out); (err != nil) != tc.wantErr {
				t.Errorf("run: error %v, want error %v", err, tc.wantErr)
			}
			golden := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), want) {
				t.Errorf("output differs from %s:\n%s", golden, out.Bytes())
			}
		})
	}
}

func TestRunNotEvents(t *testing.T) {
	var out bytes.Buffer
	err := run(bytes.NewBufferString("no Go files in /tmp/x\n"), &out)
	if err == nil || out.String() != "no Go files in /tmp/x\n\nskipped tests: 0\n" {
		t.Errorf("got %v and %q", err, out.String())
	}
}
