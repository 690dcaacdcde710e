-- findings holds every engine's results in the shared model
-- (finding.Finding), so that a new engine needs no new table. A run of an
-- engine replaces the rows of its kind for its target. image_id is set
-- for the findings of a stored image, which go with it; other targets are
-- named by target_kind and target_id alone. location and evidence are JSON
-- objects, refs and tags JSON lists, detail the engine's typed detail as
-- JSON (a vulnerability's package and versions). sev_rank orders
-- severities: critical 5 down to unknown 0.
CREATE TABLE findings (
	id {{id}},
	image_id BIGINT REFERENCES images (id) ON DELETE CASCADE,
	target_kind TEXT NOT NULL,
	target_id TEXT NOT NULL,
	target_name TEXT NOT NULL DEFAULT '',
	kind TEXT NOT NULL,
	rule_id TEXT NOT NULL,
	status TEXT NOT NULL,
	severity TEXT NOT NULL,
	sev_rank INTEGER NOT NULL DEFAULT 0,
	title TEXT NOT NULL DEFAULT '',
	location TEXT NOT NULL DEFAULT '{}',
	evidence TEXT NOT NULL DEFAULT '{}',
	remediation TEXT NOT NULL DEFAULT '',
	refs TEXT NOT NULL DEFAULT '[]',
	tags TEXT NOT NULL DEFAULT '[]',
	detail TEXT NOT NULL DEFAULT '',
	observed_at BIGINT NOT NULL
);
CREATE INDEX findings_image ON findings (image_id);
CREATE INDEX findings_target ON findings (target_kind, target_id, kind);
CREATE INDEX findings_rule ON findings (rule_id);
