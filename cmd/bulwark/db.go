package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/bulwarksec/bulwark/internal/progress"
	"github.com/bulwarksec/bulwark/internal/vulndb"
)

func newDBCommand() *cobra.Command {
	var dbDir string
	cmd := &cobra.Command{
		Use:   "db",
		Short: "Manage the vulnerability database",
	}
	cmd.PersistentFlags().StringVar(&dbDir, "db-dir", defaultDBDir(), "vulnerability database directory (env BULWARK_DB_DIR)")
	cmd.AddCommand(newDBUpdateCommand(&dbDir), newDBImportCommand(&dbDir), newDBStatusCommand(&dbDir))
	return cmd
}

func newDBUpdateCommand(dbDir *string) *cobra.Command {
	var (
		src     vulndb.Sources
		feeds   []string
		quiet   bool
		timeout time.Duration
	)
	cmd := &cobra.Command{
		Use:   "update",
		Short: "Download vulnerability data and rebuild the database",
		Long: `Download the OSV export of each ecosystem (<source>/<Ecosystem>/all.zip),
with --nvd NVD's yearly CVE JSON 2.0 feeds
(<nvd-source>/nvdcve-2.0-YEAR.json.gz, which rate the advisories that
carry no severity of their own, such as Go's), and any extra feeds, and rebuild the database from them and from files
imported before. Unchanged feeds are not downloaded again (ETag and
Last-Modified); downloads are checked (length, and MD5 where the server
gives one). The new database replaces the old one only when everything
succeeded; otherwise the old one stays in use.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for _, f := range feeds {
				name, url, ok := strings.Cut(f, "=")
				if !ok || name == "" || url == "" {
					return usageError{fmt.Errorf("--feed %q: want NAME=URL", f)}
				}
				src.Extra = append(src.Extra, vulndb.Feed{Name: name, URL: url})
			}
			fs, err := src.Feeds(time.Now())
			if err != nil {
				return usageError{fmt.Errorf("--nvd-from: %w", err)}
			}
			ctx := cmd.Context()
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			opts := vulndb.UpdateOptions{Feeds: fs}
			bar := progress.ForStderr(quiet)
			if bar != nil {
				bar.SetLabel("feed")
				sizes := make([]int64, len(fs))
				for i := range sizes {
					sizes[i] = -1
				}
				bar.SetLayers(sizes)
				opts.Progress = func(i int, read, total int64) {
					bar.SetSize(i, total)
					bar.Layer(i, read)
				}
			}
			start := time.Now()
			res, err := vulndb.Update(ctx, *dbDir, opts)
			bar.Done()
			if err != nil {
				return err
			}
			if !quiet {
				tw := tabwriter.NewWriter(os.Stderr, 0, 0, 2, ' ', 0)
				for _, r := range res {
					fmt.Fprintf(tw, "%s\t%s\t%d records\t%d withdrawn\t%d malformed\t%s\n", r.Name, r.Status,
						r.Import.Records, r.Import.Withdrawn, r.Import.Bad, time.Duration(r.Took).Round(time.Millisecond))
				}
				tw.Flush()
				fmt.Fprintf(os.Stderr, "database updated in %s: %s\n", time.Since(start).Round(time.Millisecond), vulndb.Path(*dbDir))
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&src.OSVBase, "source", vulndb.DefaultFeedBase, "base URL of the OSV exports")
	fl.StringSliceVar(&src.Ecosystems, "ecosystems", vulndb.DefaultEcosystems(), "OSV ecosystems to download")
	fl.BoolVar(&src.NVD, "nvd", false, "also download NVD's yearly CVE feeds, which rate advisories that carry no severity (Go's)")
	fl.StringVar(&src.NVDBase, "nvd-source", vulndb.DefaultNVDBase, "base URL of NVD's CVE JSON 2.0 feeds (nvdcve-2.0-YEAR.json.gz)")
	fl.IntVar(&src.NVDFrom, "nvd-from", 2002, "first year of NVD feeds to download")
	fl.StringArrayVar(&feeds, "feed", nil, "extra feed NAME=URL (an Alpine secdb JSON, a Debian tracker list, an NVD feed, an OSV zip)")
	fl.BoolVarP(&quiet, "quiet", "q", false, "no progress display and no summary")
	fl.DurationVar(&timeout, "timeout", time.Hour, "give up after this long")
	return cmd
}

func newDBImportCommand(dbDir *string) *cobra.Command {
	var quiet bool
	cmd := &cobra.Command{
		Use:   "import PATH...",
		Short: "Add advisories from local files to the database",
		Long: `Add advisories from PATH: OSV JSON records, directories of them, OSV
export zips, NVD CVE JSON 2.0 records and feeds, Alpine secdb files and
Debian security tracker DSA/DLA lists. Malformed records are counted and
skipped. Later updates keep imported files that still exist.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			start := time.Now()
			stats, err := vulndb.ImportFiles(cmd.Context(), *dbDir, args)
			if err != nil {
				return err
			}
			if quiet {
				return nil
			}
			for i, st := range stats {
				fmt.Fprintf(os.Stderr, "%s: %d files, %d records, %d withdrawn, %d malformed\n", args[i], st.Files, st.Records, st.Withdrawn, st.Bad)
				for _, e := range st.Errors {
					fmt.Fprintf(os.Stderr, "  skipped: %v\n", e)
				}
				if st.Bad > len(st.Errors) {
					fmt.Fprintf(os.Stderr, "  (and %d more skipped)\n", st.Bad-len(st.Errors))
				}
			}
			fmt.Fprintf(os.Stderr, "imported in %s into %s\n", time.Since(start).Round(time.Millisecond), vulndb.Path(*dbDir))
			return nil
		},
	}
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "no summary")
	return cmd
}

func newDBStatusCommand(dbDir *string) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show what the vulnerability database holds",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, err := vulndb.Open(*dbDir)
			if err != nil {
				return err
			}
			defer db.Close()
			m := db.Meta()
			info, _ := os.Stat(vulndb.Path(*dbDir))
			if format == "json" {
				enc := json.NewEncoder(os.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(struct {
					Path string `json:"path"`
					Size int64  `json:"size"`
					vulndb.Meta
				}{vulndb.Path(*dbDir), info.Size(), m})
			}
			if format != "table" {
				return usageError{fmt.Errorf("--format %q: want table or json", format)}
			}
			fmt.Printf("database: %s (%.1f MiB)\n", vulndb.Path(*dbDir), float64(info.Size())/(1<<20))
			fmt.Printf("built:    %s\nupdated:  %s (%s ago)\n", m.Built.Format(time.RFC3339), m.Updated.Format(time.RFC3339),
				time.Since(m.Updated).Round(time.Minute))
			fmt.Printf("records:  %d (%d advisories with affected packages)\n\n", m.Records, m.Total)
			tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "ECOSYSTEM\tADVISORIES")
			ecos := make([]string, 0, len(m.Advisories))
			for e := range m.Advisories {
				ecos = append(ecos, e)
			}
			slices.Sort(ecos)
			for _, e := range ecos {
				fmt.Fprintf(tw, "%s\t%d\n", e, m.Advisories[e])
			}
			tw.Flush()
			fmt.Println()
			tw = tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "SOURCE\tRECORDS\tMALFORMED\tFETCHED")
			names := make([]string, 0, len(m.Sources))
			for n := range m.Sources {
				names = append(names, n)
			}
			slices.Sort(names)
			for _, n := range names {
				s := m.Sources[n]
				fmt.Fprintf(tw, "%s\t%d\t%d\t%s\n", n, s.Records, s.Bad, s.Fetched.Format(time.RFC3339))
			}
			tw.Flush()
			if age := time.Since(m.Updated); age > 24*time.Hour {
				fmt.Fprintf(os.Stderr, "warning: the data is %s old: run `bulwark db update`\n", age.Round(time.Hour))
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "table", "output format: table or json")
	return cmd
}
