package vulndb

import (
	"cmp"
	"fmt"
	"strings"
	"time"
)

// DefaultNVDBase is where NVD publishes its CVE JSON 2.0 feeds, one per
// year of publication, as <base>/nvdcve-2.0-<YEAR>.json.gz. Bulwark reads
// these files rather than paging NVD's CVE API: a whole year is one
// conditional download (ETag, Last-Modified), with no API key and no
// request-rate limit to respect, and a mirror is any static file server.
const DefaultNVDBase = "https://nvd.nist.gov/feeds/json/cve/2.0"

// nvdFirstYear is the first yearly feed; it also holds the CVEs of 1999
// to 2001.
const nvdFirstYear = 2002

// Sources say what `bulwark db update` (and the server's refresh)
// downloads. The zero value is OSV's exports of DefaultEcosystems.
type Sources struct {
	// OSVBase is the base URL of OSV's exports (default DefaultFeedBase);
	// Ecosystems the exports taken (default DefaultEcosystems).
	OSVBase    string
	Ecosystems []string
	// NVD adds NVD's yearly CVE feeds from NVDBase (default
	// DefaultNVDBase), the years NVDFrom (default 2002) to this one. NVD
	// rates the CVEs that advisories without a severity of their own (the
	// Go team's) name.
	NVD     bool
	NVDBase string
	NVDFrom int
	// Extra are further feeds (an Alpine secdb, a Debian tracker list).
	Extra []Feed
}

// Feeds lists the feeds of s as of now.
func (s Sources) Feeds(now time.Time) ([]Feed, error) {
	ecos := s.Ecosystems
	if ecos == nil {
		ecos = DefaultEcosystems()
	}
	out := OSVFeeds(cmp.Or(s.OSVBase, DefaultFeedBase), ecos)
	if s.NVD {
		from := s.NVDFrom
		if from == 0 {
			from = nvdFirstYear
		}
		if from < nvdFirstYear || from > now.Year() {
			return nil, fmt.Errorf("NVD feeds from %d: want a year from %d to %d", from, nvdFirstYear, now.Year())
		}
		out = append(out, NVDFeeds(cmp.Or(s.NVDBase, DefaultNVDBase), from, now.Year())...)
	}
	return append(out, s.Extra...), nil
}

// NVDFeeds returns NVD's yearly CVE JSON 2.0 feeds under base, years from
// to to.
func NVDFeeds(base string, from, to int) []Feed {
	base = strings.TrimSuffix(base, "/")
	out := make([]Feed, 0, max(to-from+1, 0))
	for y := from; y <= to; y++ {
		out = append(out, Feed{Name: fmt.Sprintf("nvd:%d", y), URL: fmt.Sprintf("%s/nvdcve-2.0-%d.json.gz", base, y)})
	}
	return out
}
