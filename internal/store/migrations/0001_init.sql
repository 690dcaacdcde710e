-- The first schema. Both engines run this file: {{id}} and {{blob}} are
-- spelled per engine, everything else is SQL they both accept. Times are
-- BIGINT microseconds since the Unix epoch, 0 for "never". Each statement
-- ends with ; at the end of a line.

CREATE TABLE registries (
	id {{id}},
	name TEXT NOT NULL UNIQUE,
	url TEXT NOT NULL,
	host TEXT NOT NULL UNIQUE,
	username TEXT NOT NULL DEFAULT '',
	secret {{blob}},
	insecure BOOLEAN NOT NULL DEFAULT FALSE,
	created_at BIGINT NOT NULL,
	synced_at BIGINT NOT NULL DEFAULT 0,
	sync_error TEXT NOT NULL DEFAULT ''
);

-- One row per (registry, repository, digest). health is 'unscanned',
-- 'healthy' or 'unhealthy'; the counts are the last scan's, so listing
-- images never reads vulnerabilities. search is the lower-cased
-- repository and tags, one per line, for substring search.
CREATE TABLE images (
	id {{id}},
	registry_id BIGINT NOT NULL REFERENCES registries (id) ON DELETE CASCADE,
	repository TEXT NOT NULL,
	digest TEXT NOT NULL,
	tags TEXT NOT NULL DEFAULT '[]',
	search TEXT NOT NULL DEFAULT '',
	os TEXT NOT NULL DEFAULT '',
	packages INTEGER NOT NULL DEFAULT 0,
	first_seen BIGINT NOT NULL,
	last_seen BIGINT NOT NULL,
	pushed_at BIGINT NOT NULL DEFAULT 0,
	pulled_at BIGINT NOT NULL DEFAULT 0,
	scanned_at BIGINT NOT NULL DEFAULT 0,
	health TEXT NOT NULL DEFAULT 'unscanned',
	c_critical INTEGER NOT NULL DEFAULT 0,
	c_high INTEGER NOT NULL DEFAULT 0,
	c_medium INTEGER NOT NULL DEFAULT 0,
	c_low INTEGER NOT NULL DEFAULT 0,
	c_info INTEGER NOT NULL DEFAULT 0,
	c_unknown INTEGER NOT NULL DEFAULT 0,
	fixable INTEGER NOT NULL DEFAULT 0,
	deleted BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE UNIQUE INDEX images_key ON images (registry_id, repository, digest);
CREATE INDEX images_seen ON images (deleted, last_seen, id);
CREATE INDEX images_health ON images (deleted, health, last_seen, id);
CREATE INDEX images_repository ON images (repository, last_seen, id);
CREATE INDEX images_scanned ON images (scanned_at);

-- The last scan's blobs, one row per scanned image.
CREATE TABLE scans (
	image_id BIGINT PRIMARY KEY REFERENCES images (id) ON DELETE CASCADE,
	scanned_at BIGINT NOT NULL,
	sbom {{blob}},
	report {{blob}}
);

-- sev_rank orders severities: critical 5 down to unknown 0.
CREATE TABLE vulnerabilities (
	id {{id}},
	image_id BIGINT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
	vuln_id TEXT NOT NULL,
	aliases TEXT NOT NULL DEFAULT '[]',
	package TEXT NOT NULL,
	pkg_type TEXT NOT NULL DEFAULT '',
	installed TEXT NOT NULL DEFAULT '',
	fixed TEXT NOT NULL DEFAULT '',
	severity TEXT NOT NULL DEFAULT '',
	sev_rank INTEGER NOT NULL DEFAULT 0,
	score DOUBLE PRECISION NOT NULL DEFAULT 0,
	status TEXT NOT NULL DEFAULT '',
	title TEXT NOT NULL DEFAULT '',
	layer TEXT NOT NULL DEFAULT '',
	path TEXT NOT NULL DEFAULT ''
);
CREATE INDEX vulnerabilities_image ON vulnerabilities (image_id);
CREATE INDEX vulnerabilities_vuln ON vulnerabilities (vuln_id);

-- One row per UTC day (day is that midnight).
CREATE TABLE history (
	day BIGINT PRIMARY KEY,
	c_critical INTEGER NOT NULL,
	c_high INTEGER NOT NULL,
	c_medium INTEGER NOT NULL,
	c_low INTEGER NOT NULL,
	c_info INTEGER NOT NULL,
	c_unknown INTEGER NOT NULL,
	images INTEGER NOT NULL,
	unhealthy INTEGER NOT NULL
);

CREATE TABLE events (
	event_id TEXT PRIMARY KEY,
	source TEXT NOT NULL,
	action TEXT NOT NULL,
	registry_id BIGINT NOT NULL REFERENCES registries (id) ON DELETE CASCADE,
	repository TEXT NOT NULL,
	digest TEXT NOT NULL,
	tag TEXT NOT NULL,
	at BIGINT NOT NULL,
	received_at BIGINT NOT NULL
);
CREATE INDEX events_registry ON events (registry_id);

-- The queue. state is 'pending' (runnable or running: locked_until in the
-- future), 'done' or 'dead'. At most one pending job per (kind, image, ref).
CREATE TABLE jobs (
	id {{id}},
	kind TEXT NOT NULL,
	image_id BIGINT REFERENCES images (id) ON DELETE CASCADE,
	ref TEXT NOT NULL DEFAULT '',
	state TEXT NOT NULL DEFAULT 'pending',
	attempts INTEGER NOT NULL DEFAULT 0,
	not_before BIGINT NOT NULL,
	locked_by TEXT NOT NULL DEFAULT '',
	locked_until BIGINT NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	finished_at BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX jobs_pending_key ON jobs (kind, (COALESCE(image_id, 0)), ref) WHERE state = 'pending';
CREATE INDEX jobs_runnable ON jobs (not_before, id) WHERE state = 'pending';
CREATE INDEX jobs_image ON jobs (image_id);
CREATE INDEX jobs_state ON jobs (state);

CREATE TABLE tokens (
	id {{id}},
	name TEXT NOT NULL,
	role TEXT NOT NULL,
	hash {{blob}} NOT NULL UNIQUE,
	created_at BIGINT NOT NULL,
	last_used BIGINT NOT NULL DEFAULT 0
);

-- Alerts fold by fingerprint while active.
CREATE TABLE alerts (
	id {{id}},
	fingerprint TEXT NOT NULL,
	type TEXT NOT NULL,
	title TEXT NOT NULL DEFAULT '',
	severity TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT 'active',
	tactics TEXT NOT NULL DEFAULT '[]',
	entities TEXT NOT NULL DEFAULT '{}',
	evidence {{blob}},
	remediation TEXT NOT NULL DEFAULT '',
	count INTEGER NOT NULL DEFAULT 1,
	first_seen BIGINT NOT NULL,
	last_seen BIGINT NOT NULL
);
CREATE UNIQUE INDEX alerts_active ON alerts (fingerprint) WHERE status = 'active';
CREATE INDEX alerts_seen ON alerts (last_seen, id);

CREATE TABLE exemptions (
	id {{id}},
	rule TEXT NOT NULL DEFAULT '',
	resource TEXT NOT NULL DEFAULT '',
	reason TEXT NOT NULL DEFAULT '',
	expires BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	created_by TEXT NOT NULL DEFAULT ''
);

CREATE TABLE finding_rules (
	id {{id}},
	vuln_id TEXT NOT NULL DEFAULT '',
	max_severity TEXT NOT NULL DEFAULT '',
	reason TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);

CREATE TABLE settings (
	name TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
