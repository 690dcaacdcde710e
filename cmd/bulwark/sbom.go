package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/bulwarksec/bulwark/internal/image"
	"github.com/bulwarksec/bulwark/internal/progress"
	"github.com/bulwarksec/bulwark/internal/sbom"
)

// imageFlags are the flags of every command that opens an image.
type imageFlags struct {
	platform   string
	insecure   []string
	cacheDir   string
	quiet      bool
	timeout    time.Duration
	skipVerify bool
}

func (f *imageFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.platform, "platform", "linux/amd64", "platform to pick from a multi-arch image (os/arch[/variant])")
	fl.StringSliceVar(&f.insecure, "insecure-registry", nil, "registry host:port reachable over plain HTTP (loopback always is)")
	fl.StringVar(&f.cacheDir, "cache-dir", "", "directory caching downloaded layers by digest (default: no cache)")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "no progress display")
	fl.DurationVar(&f.timeout, "timeout", 30*time.Minute, "give up after this long")
	fl.BoolVar(&f.skipVerify, "skip-verify", false, "scan layers even when they do not hash to the digests the image gives for them")
}

func (f *imageFlags) options() (sbom.TargetOptions, error) {
	p, err := parsePlatform(f.platform)
	if err != nil {
		return sbom.TargetOptions{}, usageError{err}
	}
	opts := sbom.TargetOptions{Image: image.Options{Platform: p, InsecureRegistries: f.insecure, CacheDir: f.cacheDir,
		DockerConfig: true, SkipVerify: f.skipVerify}}
	if bar := progress.ForStderr(f.quiet); bar != nil {
		opts.Progress = bar
	}
	return opts, nil
}

func newSBOMCommand() *cobra.Command {
	var (
		flags  imageFlags
		format string
		output string
	)
	cmd := &cobra.Command{
		Use:   "sbom TARGET",
		Short: "List every package in an image or directory",
		Long: `List every package in TARGET and write an SBOM.

TARGET is one of:
  registry:REF or REF     an image in a registry (host/repo:tag, @sha256:...)
  docker-archive:FILE     a "docker save" tarball
  oci-archive:FILE        an OCI image layout in a tarball
  oci-dir:DIR             an OCI image layout directory
  docker:NAME             an image in the Docker Engine at DOCKER_HOST
  dir:DIR                 a root file system or a source tree
  sbom:FILE               an SBOM (CycloneDX, SPDX or Bulwark JSON)`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := sbom.ParseFormat(format)
			if err != nil {
				return usageError{err}
			}
			t, err := image.ParseTarget(args[0])
			if err != nil {
				return usageError{err}
			}
			opts, err := flags.options()
			if err != nil {
				return err
			}
			return runSBOM(cmd.Context(), t, opts, f, output, flags.timeout)
		},
	}
	flags.register(cmd)
	cmd.Flags().StringVarP(&format, "format", "f", string(sbom.FormatCycloneDX), "output format: cyclonedx-json, spdx-json or json")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to FILE instead of standard output")
	return cmd
}

func runSBOM(ctx context.Context, t image.Target, opts sbom.TargetOptions, f sbom.Format, output string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	s, err := sbom.FromTarget(ctx, t, opts)
	if bar, ok := opts.Progress.(*progress.Bar); ok {
		bar.Done()
	}
	if err != nil {
		return err
	}
	for _, w := range s.Warnings {
		fmt.Fprintln(os.Stderr, "warning:", w)
	}
	return writeOutput(output, func(w io.Writer) error {
		return sbom.Encode(w, s, f, sbom.WriteOptions{Version: version})
	})
}

// writeOutput writes to the named file (atomically, through a temporary
// file beside it) or to standard output.
func writeOutput(name string, write func(io.Writer) error) error {
	if name == "" || name == "-" {
		return write(os.Stdout)
	}
	tmp, err := os.CreateTemp(dirOf(name), ".bulwark-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

func dirOf(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[:i+1]
	}
	return "."
}
