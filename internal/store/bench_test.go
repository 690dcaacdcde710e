package store

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

// BenchmarkListImages lists pages of 50 with a filter from 10,000 images
// (with 10 findings each, which ListImages must not read) and reports the
// 50th and 99th percentile of one call. The goal is p99 < 100 ms.
func BenchmarkListImages(b *testing.B) {
	for _, be := range benchBackends {
		b.Run(be.name, func(b *testing.B) {
			s := openTest(b, be.dsn(b))
			regs := seedImages(b, s, 10000, 10)
			filters := []ImageFilter{
				{Health: "unhealthy"},
				{RegistryID: regs[1], Search: "app-1"},
				{Repository: "team-2/app-7", Offset: 20},
				{Search: "V1.2", Offset: 50},
				{Health: "healthy", RegistryID: regs[0], Offset: 100},
			}
			var times []time.Duration
			i := 0
			b.ResetTimer()
			for b.Loop() {
				f := filters[i%len(filters)]
				f.Limit = 50
				start := time.Now()
				items, total, err := s.ListImages(ctx, f)
				times = append(times, time.Since(start))
				if err != nil || total == 0 || len(items) == 0 {
					b.Fatalf("ListImages(%+v) = %d items of %d, %v", f, len(items), total, err)
				}
				i++
			}
			slices.Sort(times)
			b.ReportMetric(ms(times[len(times)/2]), "p50-ms")
			b.ReportMetric(ms(times[len(times)*99/100]), "p99-ms")
		})
	}
}

// BenchmarkQueue measures one job's round trip: Enqueue, Claim, Complete.
func BenchmarkQueue(b *testing.B) {
	for _, be := range benchBackends {
		b.Run(be.name, func(b *testing.B) {
			s := openTest(b, be.dsn(b))
			s.now = time.Now
			i := 0
			for b.Loop() {
				if _, err := s.Enqueue(ctx, Job{Kind: "sync", Ref: itoa(int64(i))}); err != nil {
					b.Fatal(err)
				}
				j, err := s.Claim(ctx, "w", time.Minute)
				if err != nil || j == nil {
					b.Fatalf("Claim = %v, %v", j, err)
				}
				if err := s.Complete(ctx, j.ID); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// benchBackends are the databases the benchmarks run on.
var benchBackends = []struct {
	name string
	dsn  func(b *testing.B) string
}{
	{"sqlite", func(b *testing.B) string { return filepath.Join(b.TempDir(), "bulwark.db") }},
	{"postgres", func(b *testing.B) string { return testbed.Postgres(b) }},
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// seedImages inserts n images over 3 registries and 40 repositories, a
// third unscanned, with vulns findings per scanned image, in bulk.
func seedImages(b *testing.B, s *Store, n, vulns int) []int64 {
	b.Helper()
	var regs []int64
	for i := range 3 {
		regs = append(regs, mkRegistry(b, s, fmt.Sprintf("reg%d", i)).ID)
	}
	const batch = 200
	must(b, s.tx(ctx, func(c conn) error {
		for start := 0; start < n; start += batch {
			var args []any
			rows := 0
			for i := start; i < min(start+batch, n); i++ {
				repo := fmt.Sprintf("team-%d/app-%d", i%5, i%40)
				tags := []string{fmt.Sprintf("v1.%d", i%17), "build-" + itoa(int64(i))}
				health, crit := healthUnscanned, 0
				switch i % 3 {
				case 1:
					health = healthHealthy
				case 2:
					health, crit = healthUnhealthy, 1+i%4
				}
				seen := toDB(t0.Add(time.Duration(i%997) * time.Minute))
				args = append(args, regs[(i/7)%3], repo, fmt.Sprintf("sha256:%064d", i), encodeList(tags), searchText(repo, tags),
					seen, seen, health, crit)
				rows++
			}
			q := "INSERT INTO images (registry_id, repository, digest, tags, search, first_seen, last_seen, health, c_critical) VALUES " +
				strings.TrimSuffix(strings.Repeat("("+placeholders(9)+"), ", rows), ", ")
			if _, err := c.exec(ctx, q, args...); err != nil {
				return err
			}
		}
		_, err := c.exec(ctx, "UPDATE images SET scanned_at = first_seen WHERE health <> 'unscanned'")
		return err
	}))
	var ids []int64
	rows, err := s.reader().query(ctx, "SELECT id FROM images WHERE health <> 'unscanned' ORDER BY id")
	must(b, err)
	for rows.Next() {
		var id int64
		must(b, rows.Scan(&id))
		ids = append(ids, id)
	}
	rows.Close()
	must(b, s.tx(ctx, func(c conn) error {
		vs := make([]Vulnerability, vulns)
		for v := range vs {
			vs[v] = Vulnerability{VulnID: fmt.Sprintf("CVE-2024-%05d", v), Package: "pkg", Severity: "high"}
		}
		fs := vulnFindings(vs...)
		for _, id := range ids {
			if err := insertFindings(ctx, c, &id, fs, t0); err != nil {
				return err
			}
		}
		return nil
	}))
	return regs
}
