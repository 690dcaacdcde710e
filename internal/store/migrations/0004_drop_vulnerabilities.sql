-- Every reader now reads an image's vulnerabilities from findings (kind
-- 'vulnerability', the package and versions in detail), so the
-- vulnerabilities table, written beside it since 0003, goes. findings
-- gains score, the CVSS base score of detail, as a column: an image's
-- vulnerabilities are listed by severity, then score, without parsing
-- JSON in SQL.
ALTER TABLE findings ADD COLUMN score DOUBLE PRECISION NOT NULL DEFAULT 0;

-- The findings written since 0003 take their score from the
-- vulnerabilities rows written with them. A score is the advisory's, the
-- same on every package it affects, so the image and advisory ID find it.
UPDATE findings SET score = COALESCE((SELECT MAX(v.score) FROM vulnerabilities v
	WHERE v.image_id = findings.image_id AND v.vuln_id = findings.rule_id), 0)
WHERE kind = 'vulnerability' AND image_id IS NOT NULL;

-- An image last evaluated before 0003 has vulnerabilities rows only: they
-- become findings holding what those rows held, as the matcher writes
-- them (the package ID and version, references and vector are not known
-- until the next re-match replaces these rows).
INSERT INTO findings (image_id, target_kind, target_id, target_name, kind, rule_id, status, severity, sev_rank, score,
	title, location, remediation, detail, observed_at)
SELECT v.image_id, 'image', 'image:' || i.digest, r.host || '/' || i.repository || '@' || i.digest, 'vulnerability', v.vuln_id,
	CASE v.status WHEN 'wont-fix' THEN 'warn' WHEN 'could-not-compare' THEN 'error' WHEN 'not-affected' THEN 'skip' ELSE 'fail' END,
	v.severity, v.sev_rank, v.score, v.title,
	'{"path":' || {{jsonquote}}(v.path) || ',"layer":' || {{jsonquote}}(v.layer) || '}',
	CASE WHEN v.fixed <> '' THEN 'Upgrade ' || v.package || ' to ' || v.fixed || '.' ELSE '' END,
	'{' || CASE WHEN v.aliases = '[]' THEN '' ELSE '"aliases":' || v.aliases || ',' END
		|| '"package":{"id":"","name":' || {{jsonquote}}(v.package) || ',"version":"","type":' || {{jsonquote}}(v.pkg_type)
		|| '},"installedVersion":' || {{jsonquote}}(v.installed) || ',"fixedVersion":' || {{jsonquote}}(v.fixed)
		|| ',"fix":' || {{jsonquote}}(v.status) || ',"score":' || CAST(v.score AS TEXT) || '}',
	i.scanned_at
FROM vulnerabilities v JOIN images i ON i.id = v.image_id JOIN registries r ON r.id = i.registry_id
WHERE NOT EXISTS (SELECT 1 FROM findings f WHERE f.image_id = v.image_id AND f.kind = 'vulnerability')
ORDER BY v.id;

DROP TABLE vulnerabilities;

-- An image's findings of one kind in the order ImageVulnerabilities reads
-- them, by one index range. Its prefix serves what findings_image did
-- (the cascade from images, replacing a scan's rows).
DROP INDEX findings_image;
CREATE INDEX findings_image_kind ON findings (image_id, kind, sev_rank DESC, score DESC, rule_id, id);
