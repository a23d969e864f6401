-- vraudit central schema, version 5: the coverage view's words for walks
-- cut short, as the site schema's (version 12) says them.
--
-- A site's scan_zone.cut counts targets whose walks the row budget cut
-- short and, since site schema version 12, those that stopped answering,
-- lost a request or failed before their walks ended. The view said "walks
-- cut short by max-rows"; it now names both causes, in the site schema's
-- words. The view is version 3's otherwise.
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
		CASE WHEN cut > 0 THEN format(
		    ' %s walks cut short (max-rows, or the agent stopped answering)',
		    cut) ELSE '' END
	    END AS reason
FROM judged;
