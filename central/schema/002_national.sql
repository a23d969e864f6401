-- vraudit central schema, version 2: the national evaluation as views.
--
-- The packs the views judge by are kept here as `vraudit central migrate`
-- last synced them from its configuration ([policy] packs, max-age and
-- baseline), as a site's file keeps its writer's. The views evaluate them
-- over every site's elements at once: a cap counts the operator's elements
-- in the zone, whatever site holds them (violations, zone_share with
-- site NULL); zone_share also gives each site's own shares. They follow
-- the site schema's views of the same names (schema/006_coverage.sql,
-- 007_faster_views.sql) rule for rule; waivers are a site's own and are not
-- pushed, so nothing is waived here. Timestamps are the chain's text
-- (YYYY-MM-DDTHH:MM:SSZ, or the day), compared in byte order (COLLATE "C")
-- as SQLite compares them.

CREATE TABLE vraudit.policy_pack (
	name		text PRIMARY KEY,
	title		text NOT NULL,
	source		text NOT NULL,
	origin		text NOT NULL,
	digest		text NOT NULL,
	synced_at	timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE vraudit.policy_vendor (
	pack		text NOT NULL REFERENCES vraudit.policy_pack (name)
			ON DELETE CASCADE,
	vendor		text NOT NULL,
	PRIMARY KEY (pack, vendor)
);
CREATE TABLE vraudit.policy_rule (
	pack		text NOT NULL REFERENCES vraudit.policy_pack (name)
			ON DELETE CASCADE,
	name		text NOT NULL,
	title		text NOT NULL,
	zones		text NOT NULL,
	all_zones	boolean NOT NULL,
	max_share	double precision CHECK (max_share BETWEEN 0 AND 100),
	deadline	text,
	first_seen_after text,
	CHECK (max_share IS NOT NULL OR first_seen_after IS NOT NULL),
	PRIMARY KEY (pack, name)
);
CREATE TABLE vraudit.policy_rule_zone (
	pack		text NOT NULL,
	rule		text NOT NULL,
	zone		text NOT NULL,
	PRIMARY KEY (pack, rule, zone),
	FOREIGN KEY (pack, rule) REFERENCES vraudit.policy_rule (pack, name)
	    ON DELETE CASCADE
);
-- max_age: seconds; baseline: YYYY-MM-DD or NULL (the first sweep).
CREATE TABLE vraudit.policy_setting (
	id		integer PRIMARY KEY CHECK (id = 1),
	max_age		bigint NOT NULL CHECK (max_age > 0),
	baseline	text
);
INSERT INTO vraudit.policy_setting (id, max_age, baseline)
VALUES (1, 259200, NULL);

-- A chain time (or day, taken at midnight) as days since the epoch, UTC
-- whatever the session's time zone.
CREATE FUNCTION vraudit.day_number(t text) RETURNS double precision
LANGUAGE sql STABLE PARALLEL SAFE
RETURN extract(epoch FROM (CASE WHEN length(t) = 10 THEN t || 'T00:00:00Z'
    ELSE t END)::timestamptz) / 86400.0;

-- The evaluation date (UTC) and time.
CREATE VIEW vraudit.policy_clock AS
SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS today,
    to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS now;

-- The baseline: the configured day, or the first complete sweep that any
-- agent of any site answered, once it ended.
CREATE VIEW vraudit.policy_baseline WITH (security_invoker = true) AS
WITH first AS (
	SELECT site, id, started_at, finished_at FROM vraudit.scan
	WHERE kind = 'snmp' AND status = 'complete' AND responded > 0
	    AND substr(finished_at, 1, 10) COLLATE "C" <=
		(SELECT today FROM vraudit.policy_clock)
	ORDER BY started_at COLLATE "C", site COLLATE "C", id LIMIT 1
)
SELECT
	CASE WHEN s.baseline IS NOT NULL THEN 'configured'
	    WHEN f.id IS NOT NULL THEN 'sweep' ELSE 'none' END AS source,
	CASE WHEN s.baseline IS NOT NULL THEN s.baseline || 'T23:59:59Z'
	    ELSE f.finished_at END AS until,
	CASE WHEN s.baseline IS NULL THEN f.site END AS site,
	CASE WHEN s.baseline IS NULL THEN f.id END AS scan_id,
	CASE WHEN s.baseline IS NULL THEN f.started_at END AS started_at
FROM vraudit.policy_setting s LEFT JOIN first f ON true
WHERE s.id = 1;

-- Live elements at the evaluation date.
CREATE VIEW vraudit.policy_element WITH (security_invoker = true) AS
SELECT e.site, e.id AS element_id, e.mgmt_ip, e.vendor, e.conflict,
	coalesce(nullif(e.zone, ''), 'unassigned') AS zone, e.first_seen,
	coalesce(e.first_seen COLLATE "C" <=
	    (SELECT until FROM vraudit.policy_baseline), false) AS baseline,
	substr(e.last_seen, 1, 10) AS last_day
FROM vraudit.element e
WHERE e.merged_into IS NULL
    AND substr(e.first_seen, 1, 10) COLLATE "C" <=
	(SELECT today FROM vraudit.policy_clock)
    AND (e.retired_at IS NULL OR substr(e.retired_at, 1, 10) COLLATE "C" >
	(SELECT today FROM vraudit.policy_clock));

-- Elements each pack covers; by_conflict when only conflicting strong
-- evidence names a covered vendor.
CREATE VIEW vraudit.policy_cover WITH (security_invoker = true) AS
SELECT v.pack AS policy, x.site, x.element_id, x.mgmt_ip, x.vendor, x.zone,
	x.first_seen, x.baseline, false AS by_conflict
FROM vraudit.policy_element x
JOIN vraudit.policy_vendor v ON v.vendor = x.vendor
UNION ALL
SELECT p.name, x.site, x.element_id, x.mgmt_ip, x.vendor, x.zone,
	x.first_seen, x.baseline, true
FROM vraudit.policy_element x CROSS JOIN vraudit.policy_pack p
WHERE x.conflict = 1
    AND NOT EXISTS (SELECT 1 FROM vraudit.policy_vendor v
	WHERE v.pack = p.name AND v.vendor = x.vendor)
    AND EXISTS (SELECT 1 FROM vraudit.element_evidence ev
	JOIN vraudit.policy_vendor v ON v.vendor = ev.vendor
	WHERE ev.site = x.site AND ev.element_id = x.element_id
	    AND v.pack = p.name
	    AND ev.kind IN ('sysobjectid', 'entity-mfg', 'sysdescr', 'lldp',
		'cdp')
	    AND ev.strength >= 0.8);

-- Elements and covered elements per pack and zone, for each site and (site
-- NULL) for the operator.
CREATE VIEW vraudit.policy_tally WITH (security_invoker = true) AS
WITH zc AS MATERIALIZED (
	SELECT site, zone, count(*) AS n FROM vraudit.policy_element
	GROUP BY GROUPING SETS ((site, zone), (zone))
), cc AS MATERIALIZED (
	SELECT policy, site, zone, count(*) AS n FROM vraudit.policy_cover
	GROUP BY GROUPING SETS ((policy, site, zone), (policy, zone))
)
SELECT p.name AS policy, z.site, z.zone, z.n AS elements,
	coalesce(c.n, 0) AS covered
FROM vraudit.policy_pack p CROSS JOIN zc z
LEFT JOIN cc c ON c.policy = p.name AND c.site IS NOT DISTINCT FROM z.site
    AND c.zone = z.zone;

-- Per capped rule and zone, for each site and for the operator (site NULL).
CREATE VIEW vraudit.policy_share WITH (security_invoker = true) AS
WITH t AS MATERIALIZED (
	SELECT * FROM vraudit.policy_tally
), g AS (
	SELECT NULL::text AS site UNION ALL SELECT name FROM vraudit.site
), scope AS (
	SELECT g.site, r.pack AS policy, r.name AS rule, 'all'::text AS zone,
	    true AS all_zones, r.max_share, r.deadline
	FROM g CROSS JOIN vraudit.policy_rule r
	WHERE r.all_zones AND r.max_share IS NOT NULL
	UNION ALL
	SELECT g.site, r.pack, r.name, z.zone, false, r.max_share, r.deadline
	FROM g CROSS JOIN vraudit.policy_rule r
	JOIN vraudit.policy_rule_zone z ON z.pack = r.pack AND z.rule = r.name
	WHERE NOT r.all_zones AND r.max_share IS NOT NULL
), counted AS (
	SELECT s.*,
	    coalesce((SELECT sum(t.elements) FROM t WHERE t.policy = s.policy
		AND t.site IS NOT DISTINCT FROM s.site
		AND (s.all_zones OR t.zone = s.zone)), 0)::bigint AS elements,
	    coalesce((SELECT sum(t.covered) FROM t WHERE t.policy = s.policy
		AND t.site IS NOT DISTINCT FROM s.site
		AND (s.all_zones OR t.zone = s.zone)), 0)::bigint AS covered
	FROM scope s
)
SELECT site, policy, rule, zone, all_zones, elements, covered,
	CASE WHEN elements = 0 THEN 0.0::double precision
	    ELSE 100.0::double precision * covered / elements END AS share,
	max_share, deadline,
	covered * 100.0::double precision > max_share * elements AS over_cap,
	covered * 100.0::double precision > max_share * elements
	    AS over_cap_unwaived,
	0::bigint AS waived
FROM counted;

-- How well each zone was observed by the evaluation date, for each site and
-- for the operator (site NULL): as the site schema's coverage view, from
-- the scans' zone records and the elements' days (status only).
CREATE VIEW vraudit.policy_coverage WITH (security_invoker = true) AS
WITH clock AS MATERIALIZED (
	SELECT today, now AS ref,
	    (SELECT max_age FROM vraudit.policy_setting WHERE id = 1) AS max_age
	FROM vraudit.policy_clock
), g AS (
	SELECT NULL::text AS site UNION ALL SELECT name FROM vraudit.site
), sz AS MATERIALIZED (
	SELECT g.site AS grp, z.site, z.scan_id, z.zone, z.targets, z.answered,
	    z.refused, z.cut, z.missing, s.kind, s.finished_at
	FROM vraudit.scan_zone z
	JOIN vraudit.scan s ON s.site = z.site AND s.id = z.scan_id
	JOIN g ON g.site IS NULL OR g.site = z.site
	WHERE s.status IN ('complete', 'partial')
	    AND substr(s.finished_at, 1, 10) COLLATE "C" <=
		(SELECT today FROM clock)
), latest AS MATERIALIZED (
	SELECT * FROM (SELECT sz.*, row_number() OVER (PARTITION BY grp, zone
		ORDER BY finished_at COLLATE "C" DESC, site COLLATE "C" DESC,
		    scan_id DESC) AS k
	    FROM sz WHERE kind = 'snmp') x
	WHERE k = 1
), good AS MATERIALIZED (
	SELECT grp, zone, max(finished_at COLLATE "C") AS last_sweep FROM sz
	WHERE kind = 'snmp' AND answered > 0 GROUP BY grp, zone
), heard AS MATERIALIZED (
	SELECT grp, zone, finished_at AS last_capture
	FROM (SELECT sz.*, row_number() OVER (PARTITION BY grp, zone
		ORDER BY finished_at COLLATE "C" DESC, site COLLATE "C" DESC,
		    scan_id DESC) AS k
	    FROM sz WHERE kind = 'capture' AND answered > 0) x
	WHERE k = 1
), el AS MATERIALIZED (
	SELECT site AS grp, zone, count(*) AS elements,
	    max(least(last_day COLLATE "C", (SELECT today FROM clock)))
		AS newest
	FROM vraudit.policy_element GROUP BY GROUPING SETS ((site, zone), (zone))
), zones AS (
	SELECT grp, zone FROM el
	UNION SELECT grp, zone FROM sz
	UNION SELECT g.site, z.zone FROM g CROSS JOIN vraudit.policy_rule_zone z
), z AS (
	SELECT zones.grp, zones.zone,
	    coalesce(el.elements, 0) AS elements,
	    l.scan_id AS sweep_id,
	    coalesce(l.refused, 0) + coalesce(l.cut, 0) +
		coalesce(l.missing, 0) AS faults,
	    CASE WHEN l.scan_id IS NOT NULL THEN good.last_sweep
		WHEN h.last_capture IS NULL THEN el.newest
		WHEN el.newest IS NULL THEN h.last_capture
		ELSE greatest(h.last_capture COLLATE "C",
		    el.newest COLLATE "C") END AS observed
	FROM zones
	LEFT JOIN el ON el.grp IS NOT DISTINCT FROM zones.grp
	    AND el.zone = zones.zone
	LEFT JOIN latest l ON l.grp IS NOT DISTINCT FROM zones.grp
	    AND l.zone = zones.zone
	LEFT JOIN good ON good.grp IS NOT DISTINCT FROM zones.grp
	    AND good.zone = zones.zone
	LEFT JOIN heard h ON h.grp IS NOT DISTINCT FROM zones.grp
	    AND h.zone = zones.zone
)
SELECT grp AS site, zone, elements, sweep_id, observed,
	CASE WHEN elements = 0 OR observed IS NULL THEN 'no-data'
	    WHEN (vraudit.day_number((SELECT ref FROM clock)) -
		vraudit.day_number(observed)) * 86400 >
		(SELECT max_age FROM clock) THEN 'stale'
	    WHEN faults > 0 THEN 'partial'
	    ELSE 'ok' END AS status
FROM z;

-- Public view violations: each covered element that breaks a rule of the
-- synced packs, judged over the operator's whole network (shares per zone
-- across every site); site and element_id name the element as its site
-- does. The columns of the site schema's view, and site.
CREATE VIEW vraudit.violations WITH (security_invoker = true) AS
WITH r AS (
	SELECT r.*, CASE WHEN r.deadline COLLATE "C" > c.today
		THEN r.deadline::date - c.today::date ELSE 0 END AS days_left
	FROM vraudit.policy_rule r CROSS JOIN vraudit.policy_clock c
), shares AS MATERIALIZED (
	SELECT * FROM vraudit.policy_share WHERE site IS NULL
), hit AS (
	SELECT r.pack AS policy, r.name AS rule, r.deadline, r.days_left,
	    r.first_seen_after, c.site, c.element_id, c.mgmt_ip, c.vendor,
	    c.zone, c.first_seen, c.by_conflict, sh.over_cap_unwaived,
	    sh.zone AS share_zone, sh.covered, sh.elements, sh.share,
	    sh.max_share,
	    (r.first_seen_after IS NOT NULL AND NOT c.baseline AND
		substr(c.first_seen, 1, 10) COLLATE "C" > r.first_seen_after)
		AS is_new
	FROM r
	JOIN vraudit.policy_cover c ON c.policy = r.pack
	LEFT JOIN shares sh ON sh.policy = r.pack AND sh.rule = r.name
	    AND sh.zone = CASE WHEN r.all_zones THEN 'all' ELSE c.zone END
	WHERE r.all_zones OR c.zone IN (SELECT zone FROM
	    vraudit.policy_rule_zone z WHERE z.pack = r.pack AND z.rule = r.name)
)
SELECT
	site,
	policy,
	rule,
	element_id,
	mgmt_ip,
	vendor,
	zone,
	CASE WHEN days_left > 0 THEN 'pending' ELSE 'violated' END AS status,
	deadline,
	substr(
	    CASE WHEN over_cap_unwaived THEN format('; covered vendors are ' ||
		'%s of %s elements in %s (%s%%), cap %s%%', covered, elements,
		share_zone, round(share::numeric, 2), max_share) ELSE '' END ||
	    CASE WHEN is_new THEN format('; first seen %s, after %s',
		first_seen, first_seen_after) ELSE '' END ||
	    CASE WHEN by_conflict THEN '; conflicting evidence: strong ' ||
		'evidence names a covered vendor' ELSE '' END ||
	    CASE WHEN days_left > 0 THEN format('; pending: applies ' ||
		'from %s, %s days left', deadline, days_left) ELSE '' END,
	    3) AS detail,
	NULL::text AS waiver
FROM hit
WHERE coalesce(over_cap_unwaived, false) OR is_new;

-- Public view zone_share: each capped rule's share per zone of its scope
-- (zone all: every element), for the operator (site NULL: what the national
-- verdict judges) and for each site alone. The columns of the site
-- schema's view, and site.
CREATE VIEW vraudit.zone_share WITH (security_invoker = true) AS
WITH cov AS MATERIALIZED (
	SELECT site, zone,
	    CASE status WHEN 'no-data' THEN 3 WHEN 'stale' THEN 2
		WHEN 'partial' THEN 1 ELSE 0 END AS rank,
	    elements > 0 OR sweep_id IS NOT NULL AS present
	FROM vraudit.policy_coverage
), s AS (
	SELECT p.*, coalesce((SELECT max(cov.rank) FROM cov
	    WHERE cov.site IS NOT DISTINCT FROM p.site
		AND ((p.all_zones AND cov.present)
		    OR (NOT p.all_zones AND cov.zone = p.zone))), 3) AS rank
	FROM vraudit.policy_share p
)
SELECT
	site,
	policy,
	rule,
	zone,
	elements,
	covered AS high_risk,
	share,
	max_share,
	deadline,
	CASE WHEN deadline COLLATE "C" > (SELECT today FROM vraudit.policy_clock)
		THEN 'pending'
	    WHEN over_cap THEN 'violated'
	    WHEN over_cap_unwaived THEN 'waived'
	    WHEN rank = 3 THEN 'no-data'
	    WHEN rank = 2 THEN 'stale'
	    WHEN rank = 1 THEN 'partial'
	    ELSE 'met' END AS status,
	waived,
	CASE rank WHEN 3 THEN 'no-data' WHEN 2 THEN 'stale'
	    WHEN 1 THEN 'partial' ELSE 'ok' END AS coverage
FROM s;

GRANT SELECT ON vraudit.policy_pack, vraudit.policy_vendor,
    vraudit.policy_rule, vraudit.policy_rule_zone, vraudit.policy_setting,
    vraudit.policy_clock, vraudit.policy_baseline, vraudit.policy_element,
    vraudit.policy_cover, vraudit.policy_tally, vraudit.policy_share,
    vraudit.policy_coverage, vraudit.violations, vraudit.zone_share
    TO vraudit_auditor;
