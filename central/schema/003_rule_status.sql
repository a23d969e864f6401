-- vraudit central schema, version 3: each rule's verdict, for the operator
-- and for each site alone (vraudit.rule_status), and the coverage reasons
-- it gives.
--
-- As in version 2, the views follow the site schema's of the same name
-- (schema/006_coverage.sql) under the packs `vraudit central migrate`
-- wrote; rows with site NULL judge the operator's whole network (what
-- `vraudit report --central` judges), the others each site as its own
-- report does: its own baseline, its own coverage, its own shares.

-- The evaluation date: the session's vraudit.as_of (YYYY-MM-DD) when set,
-- else today (UTC); ages are measured to vraudit.now when set, else now.
-- `vraudit report --central` sets both for its transaction, as its site
-- counterpart shadows policy_clock: SELECT set_config('vraudit.as_of',
-- '2027-01-01', false) has the views judge another day.
CREATE OR REPLACE VIEW vraudit.policy_clock AS
SELECT coalesce(nullif(current_setting('vraudit.as_of', true), ''),
	to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD')) AS today,
    coalesce(nullif(current_setting('vraudit.now', true), ''),
	to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')) AS now;

-- The baseline for the operator (site NULL: the configured day, or the
-- first complete sweep that any agent of any site answered) and for each
-- site (its own first such sweep).
CREATE VIEW vraudit.policy_baselines WITH (security_invoker = true) AS
WITH g AS (
	SELECT NULL::text AS site UNION ALL SELECT name FROM vraudit.site
), first AS (
	SELECT DISTINCT ON (g.site) g.site AS grp, s.site, s.id, s.finished_at
	FROM g JOIN vraudit.scan s ON g.site IS NULL OR s.site = g.site
	WHERE s.kind = 'snmp' AND s.status = 'complete' AND s.responded > 0
	    AND substr(s.finished_at, 1, 10) COLLATE "C" <=
		(SELECT today FROM vraudit.policy_clock)
	ORDER BY g.site, s.started_at COLLATE "C", s.site COLLATE "C", s.id
)
SELECT g.site,
	CASE WHEN st.baseline IS NOT NULL THEN 'configured'
	    WHEN f.id IS NOT NULL THEN 'sweep' ELSE 'none' END AS source,
	CASE WHEN st.baseline IS NOT NULL THEN st.baseline || 'T23:59:59Z'
	    ELSE f.finished_at END AS until
FROM g CROSS JOIN vraudit.policy_setting st
LEFT JOIN first f ON f.grp IS NOT DISTINCT FROM g.site
WHERE st.id = 1;

-- Version 2's coverage, and the words of the site schema's: each zone's
-- newest sweep (numbered for the operator as the national report numbers
-- scans: every site's, in the order site, id), its counts, the age of its
-- newest observation and why it is not ok.
CREATE OR REPLACE VIEW vraudit.policy_coverage WITH (security_invoker = true)
AS
WITH clock AS MATERIALIZED (
	SELECT today, now AS ref,
	    (SELECT max_age FROM vraudit.policy_setting WHERE id = 1) AS max_age
	FROM vraudit.policy_clock
), g AS (
	SELECT NULL::text AS site UNION ALL SELECT name FROM vraudit.site
), numbered AS MATERIALIZED (
	SELECT site, id, row_number() OVER (ORDER BY site, id) AS nid
	FROM vraudit.scan
), sz AS MATERIALIZED (
	SELECT g.site AS grp, z.site, z.scan_id,
	    CASE WHEN g.site IS NULL THEN n.nid ELSE z.scan_id END AS shown_id,
	    z.zone, z.targets, z.answered, z.refused, z.cut, z.missing, s.kind,
	    s.finished_at
	FROM vraudit.scan_zone z
	JOIN vraudit.scan s ON s.site = z.site AND s.id = z.scan_id
	JOIN numbered n ON n.site = z.site AND n.id = z.scan_id
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
		    el.newest COLLATE "C") END AS observed,
	    l.shown_id,
	    coalesce(l.targets, 0) AS targets,
	    coalesce(l.answered, 0) AS answered,
	    coalesce(l.refused, 0) AS refused,
	    coalesce(l.cut, 0) AS cut,
	    coalesce(l.missing, 0) AS missing
	FROM zones
	LEFT JOIN el ON el.grp IS NOT DISTINCT FROM zones.grp
	    AND el.zone = zones.zone
	LEFT JOIN latest l ON l.grp IS NOT DISTINCT FROM zones.grp
	    AND l.zone = zones.zone
	LEFT JOIN good ON good.grp IS NOT DISTINCT FROM zones.grp
	    AND good.zone = zones.zone
	LEFT JOIN heard h ON h.grp IS NOT DISTINCT FROM zones.grp
	    AND h.zone = zones.zone
), judged AS (
	SELECT z.*,
	    greatest(0, trunc(vraudit.day_number((SELECT ref FROM clock)) -
		vraudit.day_number(observed))::bigint) AS age_days,
	    ((SELECT max_age FROM clock) / 86400.0)::double precision
		AS max_age_days,
	    CASE WHEN elements = 0 OR observed IS NULL THEN 'no-data'
		WHEN (vraudit.day_number((SELECT ref FROM clock)) -
		    vraudit.day_number(observed)) * 86400 >
		    (SELECT max_age FROM clock) THEN 'stale'
		WHEN faults > 0 THEN 'partial'
		ELSE 'ok' END AS status
	FROM z
)
SELECT grp AS site, zone, elements, sweep_id, observed, status, shown_id,
	targets, answered, refused, cut, missing, age_days, max_age_days,
	CASE status
	    WHEN 'no-data' THEN CASE WHEN targets > 0 THEN format(
		'zone %s: no element; sweep %s asked %s targets, %s answered',
		zone, shown_id, targets, answered)
		ELSE format('zone %s: no element, never swept or heard', zone)
		END
	    WHEN 'stale' THEN format('zone %s: last observed %s, %s days '
		'before the evaluation, max-age %s days', zone,
		substr(observed, 1, 10), age_days, max_age_days)
	    WHEN 'partial' THEN format('zone %s: sweep %s:', zone, shown_id) ||
		CASE WHEN missing > 0 THEN format(' %s known agents silent',
		    missing) ELSE '' END ||
		CASE WHEN refused > 0 THEN format(' %s targets refused or failed',
		    refused) ELSE '' END ||
		CASE WHEN cut > 0 THEN format(' %s walks cut short by max-rows',
		    cut) ELSE '' END
	    END AS reason
FROM judged;

-- Public view rule_status: each rule of the synced packs, for the operator
-- (site NULL) and for each site alone, with the columns of the site
-- schema's view:
--   status	pending, violated, met, or for a rule without a violation
--		no-data, stale or partial (the worst zone of its scope)
--   state	violated or met, whatever the deadline
--   new_elements  covered elements first seen after the rule's date and
--		after the baseline (the operator's, or the site's own)
CREATE VIEW vraudit.rule_status WITH (security_invoker = true) AS
WITH g AS (
	SELECT NULL::text AS site UNION ALL SELECT name FROM vraudit.site
), t AS MATERIALIZED (
	SELECT * FROM vraudit.policy_tally
), sh AS MATERIALIZED (
	SELECT site, policy, rule, over_cap FROM vraudit.policy_share
), nw AS MATERIALIZED (
	SELECT x.grp, r.pack, r.name, count(*) AS n
	FROM vraudit.policy_rule r
	JOIN vraudit.policy_cover c ON c.policy = r.pack
	CROSS JOIN LATERAL (VALUES (NULL::text), (c.site)) AS x (grp)
	JOIN vraudit.policy_baselines b ON b.site IS NOT DISTINCT FROM x.grp
	WHERE r.first_seen_after IS NOT NULL
	    AND NOT coalesce(c.first_seen COLLATE "C" <= b.until, false)
	    AND substr(c.first_seen, 1, 10) COLLATE "C" > r.first_seen_after
	    AND (r.all_zones OR c.zone IN (SELECT zone FROM
		vraudit.policy_rule_zone z WHERE z.pack = r.pack
		    AND z.rule = r.name))
	GROUP BY x.grp, r.pack, r.name
), cov AS MATERIALIZED (
	SELECT site, zone, reason,
	    CASE status WHEN 'no-data' THEN 3 WHEN 'stale' THEN 2
		WHEN 'partial' THEN 1 ELSE 0 END AS rank,
	    elements > 0 OR sweep_id IS NOT NULL AS present
	FROM vraudit.policy_coverage
), r AS (
	SELECT g.site, r.*, c.today
	FROM g CROSS JOIN vraudit.policy_rule r CROSS JOIN vraudit.policy_clock c
), scoped AS (
	SELECT r.*,
	    CASE WHEN r.deadline COLLATE "C" > r.today
		THEN r.deadline::date - r.today::date ELSE 0 END AS days_left,
	    coalesce((SELECT sum(t.elements) FROM t WHERE t.policy = r.pack
		AND t.site IS NOT DISTINCT FROM r.site
		AND (r.all_zones OR t.zone IN (SELECT zone FROM
		    vraudit.policy_rule_zone z WHERE z.pack = r.pack
			AND z.rule = r.name))), 0)::bigint AS elements,
	    coalesce((SELECT sum(t.covered) FROM t WHERE t.policy = r.pack
		AND t.site IS NOT DISTINCT FROM r.site
		AND (r.all_zones OR t.zone IN (SELECT zone FROM
		    vraudit.policy_rule_zone z WHERE z.pack = r.pack
			AND z.rule = r.name))), 0)::bigint AS covered,
	    (SELECT count(*) FROM sh WHERE sh.site IS NOT DISTINCT FROM r.site
		AND sh.policy = r.pack AND sh.rule = r.name AND sh.over_cap)
		AS zones_over,
	    coalesce((SELECT nw.n FROM nw WHERE nw.grp IS NOT DISTINCT FROM
		r.site AND nw.pack = r.pack AND nw.name = r.name), 0)
		AS new_elements,
	    coalesce((SELECT max(cov.rank) FROM cov
		WHERE cov.site IS NOT DISTINCT FROM r.site
		    AND ((r.all_zones AND cov.present) OR cov.zone IN
			(SELECT zone FROM vraudit.policy_rule_zone z
			WHERE z.pack = r.pack AND z.rule = r.name))), 3)
		AS rank,
	    (SELECT string_agg(cov.reason, '; ' ORDER BY cov.zone COLLATE "C")
		FROM cov
		WHERE cov.site IS NOT DISTINCT FROM r.site AND cov.rank > 0
		    AND ((r.all_zones AND cov.present) OR cov.zone IN
			(SELECT zone FROM vraudit.policy_rule_zone z
			WHERE z.pack = r.pack AND z.rule = r.name))) AS reason
	FROM r
)
SELECT
	site,
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
	0::bigint AS waived,
	CASE rank WHEN 3 THEN 'no-data' WHEN 2 THEN 'stale'
	    WHEN 1 THEN 'partial' ELSE 'ok' END AS coverage,
	CASE WHEN rank = 3 AND reason IS NULL THEN 'no element in scope'
	    ELSE reason END AS reason
FROM scoped;

GRANT SELECT ON vraudit.policy_baselines, vraudit.rule_status
    TO vraudit_auditor;
