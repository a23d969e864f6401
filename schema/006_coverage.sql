-- vraudit schema, version 6: verdicts that rest on observation.
--
-- Until version 5 a rule without a violation was met, whether or not the
-- network was observed: an empty database was compliant. Now each zone's
-- coverage is judged (coverage view): was it swept or listened to, how
-- long ago, did every agent it had answer. A rule with no violation is met
-- only when every zone of its scope is covered; else its status says why:
-- no-data, stale or partial (rule_status).
--
-- Sweeps record, per zone, the targets they asked and what became of them
-- (scan_zone); that record is part of the scan's audit record. A sweep
-- whose walks a limit cut short ([snmp] max-rows) ends with status
-- partial, not complete.
--
-- "New" is decided by dates: the baseline is [policy] baseline when set,
-- else the end of the first complete sweep that any agent answered; an
-- element is new for a first-seen-after rule when it was first observed,
-- by any source, after the baseline and after the rule's date. Captures
-- never make the baseline: a mirror port sees part of a network.

-- The scan table again, to admit status 'partial'. The rename keeps the
-- references of other tables (element.first_scan, ...) naming "scan":
-- legacy_alter_table leaves them and the views as they are written.
PRAGMA legacy_alter_table = ON;
ALTER TABLE scan RENAME TO scan_v5;
CREATE TABLE scan (
	id		INTEGER PRIMARY KEY,
	kind		TEXT NOT NULL CHECK (kind IN ('snmp', 'capture')),
	started_at	TEXT NOT NULL,
	finished_at	TEXT,
	status		TEXT NOT NULL CHECK (status IN
			    ('running', 'complete', 'partial', 'failed',
			     'interrupted')),
	targets		TEXT,
	responded	INTEGER NOT NULL DEFAULT 0,
	frames		INTEGER NOT NULL DEFAULT 0,
	detail		TEXT,
	writer		TEXT
);
INSERT INTO scan (id, kind, started_at, finished_at, status, targets,
	responded, frames, detail, writer)
SELECT id, kind, started_at, finished_at, status, targets, responded,
	frames, detail, writer
FROM scan_v5 ORDER BY id;
DROP TABLE scan_v5;
PRAGMA legacy_alter_table = OFF;
CREATE INDEX scan_running ON scan (id) WHERE status = 'running';

-- What a scan observed in each zone, recorded when it ends and part of
-- its audit record. A sweep: what it asked and what became of it (a
-- target's zone is its address's ([zone] subnets), else its [target]
-- section's, else unassigned). A capture: the elements it heard.
--   targets	addresses asked (0 for a capture)
--   answered	that answered (also those cut short); a capture's: the
--		elements it wrote news of last
--   silent	that did not answer
--   refused	that refused us (credentials) or failed
--   cut	answered, but a limit cut their walks short ([snmp] max-rows)
--   missing	elements that answered for themselves over SNMP before,
--		live when it ended, that it did not hear
CREATE TABLE scan_zone (
	scan_id		INTEGER NOT NULL REFERENCES scan (id),
	zone		TEXT NOT NULL,
	targets		INTEGER NOT NULL,
	answered	INTEGER NOT NULL,
	silent		INTEGER NOT NULL,
	refused		INTEGER NOT NULL,
	cut		INTEGER NOT NULL,
	missing		INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (scan_id, zone)
) WITHOUT ROWID;

-- Public view scan_zones: scan_zone, with the scan's kind, status and
-- times.
CREATE VIEW scan_zones AS
SELECT z.scan_id, s.kind, s.status, s.started_at, s.finished_at, z.zone,
	z.targets, z.answered, z.silent, z.refused, z.cut, z.missing
FROM scan_zone z JOIN scan s ON s.id = z.scan_id;

-- The [policy] settings the views judge coverage and novelty by, as the
-- last writer synced them (vraudit report passes its own):
--   max_age	seconds: a zone whose newest successful observation is
--		older at the evaluation date is stale
--   baseline	YYYY-MM-DD or NULL: elements first seen on or before that
--		day are the baseline
CREATE TABLE policy_setting (
	id		INTEGER PRIMARY KEY CHECK (id = 1),
	max_age		INTEGER NOT NULL,
	baseline	TEXT
);
INSERT INTO policy_setting (id, max_age, baseline) VALUES (1, 259200, NULL);

-- The evaluation views again. Changes to version 5, each marked
-- "coverage:": policy_baseline (new) is the baseline by dates;
-- policy_element's baseline flag follows it and it gives the day each
-- element was last seen; coverage (new) judges each
-- zone; new_elements (new) lists what the rules count as new;
-- rule_status says no-data, stale or partial for a rule without a
-- violation whose zones are not all covered; zone_share likewise.
-- The evaluation date, YYYY-MM-DD, and (coverage:) the evaluation time
-- coverage ages are measured to: now, or the end of the evaluation day
-- when vraudit report evaluates another day.
DROP VIEW policy_clock;
CREATE VIEW policy_clock AS
SELECT strftime('%Y-%m-%d', 'now') AS today,
	strftime('%Y-%m-%dT%H:%M:%SZ', 'now') AS now;

DROP VIEW zone_share;
DROP VIEW violations;
DROP VIEW rule_status;
DROP VIEW policy_share;
DROP VIEW policy_tally;
DROP VIEW policy_waived;
DROP VIEW policy_cover;
DROP VIEW policy_element;

-- coverage: the baseline at the evaluation date: the configured day, or
-- the first complete sweep that any agent answered, once it ended.
--   source	configured, sweep, or none
--   until	elements first seen up to this time are the baseline
--   scan_id	the sweep (source sweep)
CREATE VIEW policy_baseline AS
WITH first AS (
	SELECT id, started_at, finished_at FROM scan
	WHERE kind = 'snmp' AND status = 'complete' AND responded > 0
	    AND substr(finished_at, 1, 10) <= (SELECT today FROM policy_clock)
	ORDER BY started_at, id LIMIT 1
)
SELECT
	CASE WHEN s.baseline IS NOT NULL THEN 'configured'
	    WHEN f.id IS NOT NULL THEN 'sweep' ELSE 'none' END AS source,
	CASE WHEN s.baseline IS NOT NULL THEN s.baseline || 'T23:59:59Z'
	    ELSE f.finished_at END AS until,
	CASE WHEN s.baseline IS NULL THEN f.id END AS scan_id,
	CASE WHEN s.baseline IS NULL THEN f.started_at END AS started_at
FROM policy_setting s LEFT JOIN first f
WHERE s.id = 1;

-- Live elements known at the evaluation date. coverage: last_day is the
-- day it was last seen (the precision the audit chain commits).
CREATE VIEW policy_element AS
SELECT
	e.id AS element_id,
	e.mgmt_ip AS mgmt_ip,
	e.vendor AS vendor,
	e.conflict AS conflict,
	coalesce(nullif(e.zone, ''), 'unassigned') AS zone,
	e.first_seen AS first_seen,
	-- coverage: by dates, whatever was written first
	coalesce(e.first_seen <= (SELECT until FROM policy_baseline), 0)
	    AS baseline,
	substr(e.last_seen, 1, 10) AS last_day
FROM element e
WHERE e.merged_into IS NULL
    AND substr(e.first_seen, 1, 10) <= (SELECT today FROM policy_clock)
    AND (e.retired_at IS NULL
	OR substr(e.retired_at, 1, 10) > (SELECT today FROM policy_clock));

-- Elements each pack covers; by_conflict when only conflicting strong
-- evidence names a covered vendor.
CREATE VIEW policy_cover AS
SELECT v.pack AS policy, x.element_id, x.mgmt_ip, x.vendor, x.zone,
	x.first_seen, x.baseline, 0 AS by_conflict
FROM policy_element x JOIN policy_vendor v ON v.vendor = x.vendor
UNION ALL
SELECT p.name AS policy, x.element_id, x.mgmt_ip, x.vendor, x.zone,
	x.first_seen, x.baseline, 1 AS by_conflict
FROM policy_element x JOIN policy_pack p
WHERE x.conflict = 1
    AND NOT EXISTS (SELECT 1 FROM policy_vendor v
	WHERE v.pack = p.name AND v.vendor = x.vendor)
    AND EXISTS (SELECT 1 FROM element_evidence ev JOIN policy_vendor v
	ON v.vendor = ev.vendor
	WHERE ev.element_id = x.element_id AND v.pack = p.name
	    AND ev.kind IN ('sysobjectid', 'entity-mfg', 'sysdescr', 'lldp',
		'cdp')
	    AND ev.strength >= 0.8);

-- Covered elements under a waiver not expired at the evaluation date,
-- per rule (as in version 5).
CREATE VIEW policy_waived AS
WITH w AS MATERIALIZED (
	SELECT * FROM waiver WHERE expires >= (SELECT today FROM policy_clock)
)
SELECT c.policy AS policy, r.name AS rule, c.element_id AS element_id,
	c.zone AS zone, min(w.name) AS waiver
FROM policy_cover c
JOIN policy_rule r ON r.pack = c.policy
JOIN w ON w.pack = c.policy AND (w.rule IS NULL OR w.rule = r.name)
WHERE (w.scope_kind = 'element' AND w.scope = CAST(c.element_id AS TEXT))
    OR (w.scope_kind = 'zone' AND w.scope = c.zone)
    OR (w.scope_kind = 'address' AND (c.mgmt_ip = w.scope
	OR EXISTS (SELECT 1 FROM element_address a
	    WHERE a.element_id = c.element_id AND a.kind IN ('ipv4', 'ipv6')
		AND a.value = w.scope)))
    OR (w.scope_kind = 'mac' AND EXISTS (SELECT 1 FROM element_address a
	WHERE a.element_id = c.element_id AND a.kind = 'mac'
	    AND a.value = w.scope))
GROUP BY c.policy, r.name, c.element_id;

-- Elements and covered elements per pack and zone, counted once.
CREATE VIEW policy_tally AS
WITH zc AS MATERIALIZED (
	SELECT zone, count(*) AS n FROM policy_element GROUP BY zone
), cc AS MATERIALIZED (
	SELECT policy, zone, count(*) AS n FROM policy_cover
	GROUP BY policy, zone
)
SELECT p.name AS policy, z.zone AS zone, z.n AS elements,
	coalesce(c.n, 0) AS covered
FROM policy_pack p CROSS JOIN zc z
LEFT JOIN cc c ON c.policy = p.name AND c.zone = z.zone;

-- Per capped rule and zone (as in version 5).
CREATE VIEW policy_share AS
WITH t AS MATERIALIZED (
	SELECT * FROM policy_tally
), wv AS MATERIALIZED (
	SELECT * FROM policy_waived
), scope (policy, rule, zone, all_zones, max_share, deadline) AS (
	SELECT pack, name, 'all', 1, max_share, deadline
	FROM policy_rule WHERE all_zones = 1 AND max_share IS NOT NULL
	UNION ALL
	SELECT r.pack, r.name, z.zone, 0, r.max_share, r.deadline
	FROM policy_rule r JOIN policy_rule_zone z
	    ON z.pack = r.pack AND z.rule = r.name
	WHERE r.all_zones = 0 AND r.max_share IS NOT NULL
), counted AS (
	SELECT s.*,
	    coalesce((SELECT sum(t.elements) FROM t WHERE t.policy = s.policy
		AND (s.all_zones = 1 OR t.zone = s.zone)), 0) AS elements,
	    coalesce((SELECT sum(t.covered) FROM t WHERE t.policy = s.policy
		AND (s.all_zones = 1 OR t.zone = s.zone)), 0) AS covered,
	    (SELECT count(*) FROM wv WHERE wv.policy = s.policy
		AND wv.rule = s.rule
		AND (s.all_zones = 1 OR wv.zone = s.zone)) AS waived
	FROM scope s
)
SELECT policy, rule, zone, all_zones, elements, covered,
	CASE WHEN elements = 0 THEN 0.0
	    ELSE 100.0 * covered / elements END AS share,
	max_share, deadline,
	(covered - waived) * 100.0 > max_share * elements AS over_cap,
	covered * 100.0 > max_share * elements AS over_cap_unwaived,
	waived
FROM counted;

-- Public view coverage: how well each zone was observed by the
-- evaluation date (coverage: new), from what the audit chain holds: the
-- scans' zone records and the elements' days. One row per zone that
-- holds live elements, was swept, or is named by a rule of the synced
-- packs.
--   zone		the zone
--   elements		live elements in it
--   last_sweep	end of the newest sweep that any of its targets
--			answered (complete or partial), NULL when none
--   sweep_id		the newest sweep that asked its targets, and of it:
--   targets, answered, silent, refused, cut, missing   as in scan_zone
--   captured		elements the newest capture that heard the zone
--			heard there (ended captures)
--   last_capture	when that capture ended
--   newest		the newest day a live element in it was seen
--   observed		when it was last observed successfully: last_sweep
--			for a zone that has targets, else the later of
--			last_capture and newest
--   age_days		days from observed to the evaluation time (now, or
--			the end of the evaluation date when it is not today)
--   max_age_days	[policy] max-age in days
--   status		ok; no-data: no live element; stale: observed
--			longer ago than max-age; partial: its newest sweep
--			had agents refuse, walks cut short, or known agents
--			silent
--   reason		why, in words, when status is not ok
CREATE VIEW coverage AS
WITH clock AS MATERIALIZED (
	SELECT today, now AS ref,
	    (SELECT max_age FROM policy_setting WHERE id = 1) AS max_age
	FROM policy_clock
), sz AS MATERIALIZED (
	SELECT z.*, s.kind, s.started_at, s.finished_at
	FROM scan_zone z JOIN scan s ON s.id = z.scan_id
	WHERE s.status IN ('complete', 'partial')
	    AND substr(s.finished_at, 1, 10) <= (SELECT today FROM clock)
), latest AS MATERIALIZED (
	SELECT * FROM (SELECT sz.*, row_number() OVER (PARTITION BY zone
		ORDER BY finished_at DESC, scan_id DESC) AS k
	    FROM sz WHERE kind = 'snmp')
	WHERE k = 1
), good AS MATERIALIZED (
	SELECT zone, max(finished_at) AS last_sweep FROM sz
	WHERE kind = 'snmp' AND answered > 0 GROUP BY zone
), heard AS MATERIALIZED (
	SELECT zone, answered AS captured, finished_at AS last_capture
	FROM (SELECT sz.*, row_number() OVER (PARTITION BY zone
		ORDER BY finished_at DESC, scan_id DESC) AS k
	    FROM sz WHERE kind = 'capture' AND answered > 0)
	WHERE k = 1
), el AS MATERIALIZED (
	SELECT zone, count(*) AS elements,
	    max(min(last_day, (SELECT today FROM clock))) AS newest
	FROM policy_element GROUP BY zone
), zones AS (
	SELECT zone FROM el
	UNION SELECT zone FROM sz
	UNION SELECT zone FROM policy_rule_zone
), z AS (
	SELECT zones.zone,
	    coalesce(el.elements, 0) AS elements,
	    good.last_sweep,
	    l.scan_id AS sweep_id,
	    coalesce(l.targets, 0) AS targets,
	    coalesce(l.answered, 0) AS answered,
	    coalesce(l.silent, 0) AS silent,
	    coalesce(l.refused, 0) AS refused,
	    coalesce(l.cut, 0) AS cut,
	    coalesce(l.missing, 0) AS missing,
	    coalesce(h.captured, 0) AS captured,
	    h.last_capture,
	    el.newest,
	    CASE WHEN l.scan_id IS NOT NULL THEN good.last_sweep
		WHEN h.last_capture IS NULL THEN el.newest
		WHEN el.newest IS NULL THEN h.last_capture
		ELSE max(h.last_capture, el.newest) END AS observed
	FROM zones
	LEFT JOIN el ON el.zone = zones.zone
	LEFT JOIN latest l ON l.zone = zones.zone
	LEFT JOIN good ON good.zone = zones.zone
	LEFT JOIN heard h ON h.zone = zones.zone
), judged AS (
	SELECT z.*,
	    max(0, CAST(julianday((SELECT ref FROM clock)) -
		julianday(observed) AS INTEGER)) AS age_days,
	    (SELECT max_age FROM clock) / 86400.0 AS max_age_days,
	    CASE WHEN elements = 0 OR observed IS NULL THEN 'no-data'
		WHEN (julianday((SELECT ref FROM clock)) -
		    julianday(observed)) * 86400 > (SELECT max_age FROM clock)
		    THEN 'stale'
		WHEN refused + cut + missing > 0 THEN 'partial'
		ELSE 'ok' END AS status
	FROM z
)
SELECT zone, elements, last_sweep, sweep_id, targets, answered, silent,
	refused, cut, missing, captured, last_capture, newest, observed,
	age_days, max_age_days, status,
	CASE status
	    WHEN 'no-data' THEN CASE WHEN targets > 0 THEN printf(
		'zone %s: no element; sweep %d asked %d targets, %d answered',
		zone, sweep_id, targets, answered)
		ELSE printf('zone %s: no element, never swept or heard', zone)
		END
	    WHEN 'stale' THEN printf('zone %s: last observed %s, %d days ' ||
		'before the evaluation, max-age %g days', zone,
		substr(observed, 1, 10), age_days, max_age_days)
	    WHEN 'partial' THEN printf('zone %s: sweep %d:', zone, sweep_id) ||
		CASE WHEN missing > 0 THEN printf(' %d known agents silent',
		    missing) ELSE '' END ||
		CASE WHEN refused > 0 THEN printf(' %d targets refused or failed',
		    refused) ELSE '' END ||
		CASE WHEN cut > 0 THEN printf(' %d walks cut short by max-rows',
		    cut) ELSE '' END
	    END AS reason
FROM judged;

-- Public view new_elements (coverage: new): the covered elements each
-- first-seen-after rule counts as new at the evaluation date: first seen,
-- by any source, after the rule's date and after the baseline
-- (policy_baseline), in the rule's zones; waiver names the waiver that
-- takes one out of the count (NULL: counted); mac, sys_name and risk as
-- in inventory.
CREATE VIEW new_elements AS
SELECT r.pack AS policy, r.name AS rule, c.element_id AS element_id,
	c.mgmt_ip AS mgmt_ip,
	(SELECT coalesce(e.chassis_mac, (SELECT min(a.value)
	    FROM element_address a WHERE a.element_id = e.id
		AND a.kind = 'mac')) FROM element e
	 WHERE e.id = c.element_id) AS mac,
	(SELECT sys_name FROM element WHERE id = c.element_id) AS sys_name,
	c.vendor AS vendor,
	(SELECT risk FROM element WHERE id = c.element_id) AS risk,
	c.zone AS zone,
	c.first_seen AS first_seen, r.first_seen_after AS first_seen_after,
	(SELECT w.waiver FROM policy_waived w WHERE w.policy = r.pack
	    AND w.rule = r.name AND w.element_id = c.element_id) AS waiver
FROM policy_rule r JOIN policy_cover c ON c.policy = r.pack
WHERE r.first_seen_after IS NOT NULL AND c.baseline = 0
    AND substr(c.first_seen, 1, 10) > r.first_seen_after
    AND (r.all_zones = 1 OR c.zone IN (SELECT zone FROM policy_rule_zone z
	WHERE z.pack = r.pack AND z.rule = r.name));

-- Public view rule_status: as in version 5, and:
--   status	pending, violated, met, or (coverage:) for a rule with no
--		violation: no-data (a zone of its scope holds no element),
--		stale or partial (see coverage), the worst of its zones
--   coverage	ok, no-data, stale or partial: the worst of its zones,
--		whatever the status
--   reason	the coverage view's reasons for its zones, "; "-separated
CREATE VIEW rule_status AS
WITH t AS MATERIALIZED (
	SELECT * FROM policy_tally
), sh AS MATERIALIZED (
	SELECT policy, rule, over_cap FROM policy_share
), wv AS MATERIALIZED (
	SELECT * FROM policy_waived
), nw AS MATERIALIZED (
	SELECT policy, rule, count(*) AS n FROM new_elements
	WHERE waiver IS NULL GROUP BY policy, rule
), cov AS MATERIALIZED (
	-- present: the network has it (elements or sweeps), for zone all
	SELECT zone, status, reason,
	    CASE status WHEN 'no-data' THEN 3 WHEN 'stale' THEN 2
		WHEN 'partial' THEN 1 ELSE 0 END AS rank,
	    elements > 0 OR sweep_id IS NOT NULL AS present
	FROM coverage
), r AS (
	SELECT r.*, (SELECT today FROM policy_clock) AS today
	FROM policy_rule r
), scoped AS (
	SELECT r.*,
	    CASE WHEN r.deadline > r.today THEN CAST(julianday(r.deadline) -
		julianday(r.today) AS INTEGER) ELSE 0 END AS days_left,
	    coalesce((SELECT sum(t.elements) FROM t WHERE t.policy = r.pack
		AND (r.all_zones = 1 OR t.zone IN (SELECT zone FROM
		    policy_rule_zone z WHERE z.pack = r.pack AND
		    z.rule = r.name))), 0) AS elements,
	    coalesce((SELECT sum(t.covered) FROM t WHERE t.policy = r.pack
		AND (r.all_zones = 1 OR t.zone IN (SELECT zone FROM
		    policy_rule_zone z WHERE z.pack = r.pack AND
		    z.rule = r.name))), 0) AS covered,
	    (SELECT count(*) FROM sh WHERE sh.policy = r.pack AND
		sh.rule = r.name AND sh.over_cap) AS zones_over,
	    -- coverage: the new_elements view's count
	    coalesce((SELECT nw.n FROM nw WHERE nw.policy = r.pack
		AND nw.rule = r.name), 0) AS new_elements,
	    (SELECT count(*) FROM wv WHERE wv.policy = r.pack
		AND wv.rule = r.name AND (r.all_zones = 1 OR wv.zone IN
		    (SELECT zone FROM policy_rule_zone z WHERE z.pack = r.pack
			AND z.rule = r.name))) AS waived,
	    -- coverage: the worst zone of its scope; every zone for zone all
	    coalesce((SELECT max(cov.rank) FROM cov
		WHERE (r.all_zones = 1 AND cov.present)
		    OR cov.zone IN (SELECT zone FROM policy_rule_zone z
			WHERE z.pack = r.pack AND z.rule = r.name)), 3)
		AS rank,
	    (SELECT group_concat(cov.reason, '; ') FROM cov
		WHERE cov.rank > 0 AND ((r.all_zones = 1 AND cov.present)
		    OR cov.zone IN
		    (SELECT zone FROM policy_rule_zone z WHERE z.pack = r.pack
			AND z.rule = r.name))) AS reason
	FROM r
)
SELECT
	pack AS policy,
	name AS rule,
	title,
	zones,
	all_zones,
	max_share,
	first_seen_after,
	deadline,
	today AS as_of,
	days_left,
	elements,
	covered,
	zones_over,
	new_elements,
	CASE WHEN zones_over > 0 OR new_elements > 0 THEN 'violated'
	    ELSE 'met' END AS state,
	CASE WHEN days_left > 0 THEN 'pending'
	    WHEN zones_over > 0 OR new_elements > 0 THEN 'violated'
	    WHEN rank = 3 THEN 'no-data'
	    WHEN rank = 2 THEN 'stale'
	    WHEN rank = 1 THEN 'partial'
	    ELSE 'met' END AS status,
	waived,
	CASE rank WHEN 3 THEN 'no-data' WHEN 2 THEN 'stale'
	    WHEN 1 THEN 'partial' ELSE 'ok' END AS coverage,
	CASE WHEN rank = 3 AND reason IS NULL THEN 'no element in scope'
	    ELSE reason END AS reason
FROM scoped;

-- Public view violations: as in version 5.
CREATE VIEW violations AS
WITH st AS MATERIALIZED (
	SELECT * FROM rule_status
), shares AS MATERIALIZED (
	SELECT * FROM policy_share
), cover AS MATERIALIZED (
	SELECT * FROM policy_cover
), wv AS MATERIALIZED (
	SELECT * FROM policy_waived
), hit AS (
	SELECT st.policy, st.rule, st.status, st.deadline, st.days_left,
	    st.first_seen_after, c.element_id, c.mgmt_ip, c.vendor, c.zone,
	    c.first_seen, c.by_conflict,
	    sh.over_cap, sh.over_cap_unwaived, sh.zone AS share_zone,
	    sh.covered, sh.elements, sh.share, sh.max_share,
	    (st.first_seen_after IS NOT NULL AND c.baseline = 0 AND
		substr(c.first_seen, 1, 10) > st.first_seen_after) AS is_new,
	    wv.waiver
	FROM st
	JOIN cover c ON c.policy = st.policy
	LEFT JOIN shares sh ON sh.policy = st.policy
	    AND sh.rule = st.rule
	    AND sh.zone = CASE WHEN st.all_zones = 1 THEN 'all' ELSE c.zone END
	LEFT JOIN wv ON wv.policy = st.policy AND wv.rule = st.rule
	    AND wv.element_id = c.element_id
	WHERE st.all_zones = 1 OR c.zone IN (SELECT zone FROM
	    policy_rule_zone z WHERE z.pack = st.policy AND z.rule = st.rule)
)
SELECT
	policy,
	rule,
	element_id,
	mgmt_ip,
	vendor,
	zone,
	CASE WHEN waiver IS NOT NULL THEN 'waived'
	    WHEN days_left > 0 THEN 'pending'
	    ELSE 'violated' END AS status,
	deadline,
	substr(
	    CASE WHEN over_cap_unwaived THEN printf('; covered vendors are ' ||
		'%d of %d elements in %s (%.2f%%), cap %g%%', covered,
		elements, share_zone, share, max_share) ELSE '' END ||
	    CASE WHEN is_new THEN printf('; first seen %s, after %s',
		first_seen, first_seen_after) ELSE '' END ||
	    CASE WHEN by_conflict THEN '; conflicting evidence: strong ' ||
		'evidence names a covered vendor' ELSE '' END ||
	    CASE WHEN waiver IS NOT NULL THEN printf('; waived: %s', waiver)
		WHEN days_left > 0 THEN printf('; pending: applies ' ||
		'from %s, %d days left', deadline, days_left) ELSE '' END,
	    3) AS detail,
	waiver
FROM hit
WHERE (coalesce(over_cap_unwaived, 0) OR is_new)
    AND (waiver IS NOT NULL OR coalesce(over_cap, 0) OR is_new);

-- Public view zone_share: as in version 5, and:
--   status	(coverage:) no-data, stale or partial for a zone within its
--		cap that is not covered (coverage view)
--   coverage	the zone's coverage status (ok for zone all when every
--		zone is)
CREATE VIEW zone_share AS
WITH cov AS MATERIALIZED (
	SELECT zone, status,
	    CASE status WHEN 'no-data' THEN 3 WHEN 'stale' THEN 2
		WHEN 'partial' THEN 1 ELSE 0 END AS rank,
	    elements > 0 OR sweep_id IS NOT NULL AS present
	FROM coverage
), s AS (
	SELECT p.*, coalesce((SELECT max(cov.rank) FROM cov
	    WHERE (p.all_zones = 1 AND cov.present)
		OR (p.all_zones = 0 AND cov.zone = p.zone)), 3) AS rank
	FROM policy_share p
)
SELECT
	policy,
	rule,
	zone,
	elements,
	covered AS high_risk,
	share,
	max_share,
	deadline,
	CASE WHEN deadline > (SELECT today FROM policy_clock) THEN 'pending'
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
