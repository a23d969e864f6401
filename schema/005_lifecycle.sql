-- vraudit schema, version 5: elements that leave the network, and
-- waivers.
--
-- Retirement: an element not seen for [policy] retire-after while complete
-- scans went on observing the network is retired: it stays in the
-- inventory, marked, but leaves the policy views (shares, counts,
-- violations). A writer decides it after each complete scan and records
-- it in the audit chain ('retire'); an element seen again comes back
-- ('return'). Its retirement is in its leaf.
--
-- Waivers: exceptions an operator grants in the waivers file ([policy]
-- waivers, vraudit.conf(5)), each for one rule or every rule of a pack,
-- for one element, MAC or address or for a zone, until an expiry date. A
-- writer copies the file into the table waiver and records each sync that
-- changed it in the audit chain ('waivers'). The policy views apply the
-- recorded waivers that have not expired at the evaluation date.

-- When and why an element was retired (NULL: it is not): retired_at the
-- time of the pass that retired it, retired_seen its last_seen then (it
-- comes back once last_seen passes it), retired_reason the rule applied.
ALTER TABLE element ADD COLUMN retired_at TEXT;
ALTER TABLE element ADD COLUMN retired_seen TEXT;
ALTER TABLE element ADD COLUMN retired_reason TEXT;
CREATE INDEX element_retired ON element (id) WHERE retired_at IS NOT NULL;

-- The waivers in force, as the last sync read them from the file.
--   name		the section's name ([waiver NAME])
--   scope_kind	element (scope: its number), mac, address or zone
--   pack, rule	the pack and rule it waives (rule NULL: all of the pack's)
--   expires	YYYY-MM-DD: it applies up to and including that day
CREATE TABLE waiver (
	name		TEXT PRIMARY KEY,
	scope_kind	TEXT NOT NULL CHECK (scope_kind IN
			    ('element', 'mac', 'address', 'zone')),
	scope		TEXT NOT NULL,
	pack		TEXT NOT NULL,
	rule		TEXT,
	reason		TEXT NOT NULL,
	approver	TEXT NOT NULL,
	expires		TEXT NOT NULL
) WITHOUT ROWID;

-- The file the waivers came from: its path and SHA-256 when last synced
-- (one row; none before the first sync).
CREATE TABLE waiver_file (
	id		INTEGER PRIMARY KEY CHECK (id = 1),
	path		TEXT NOT NULL,
	digest		TEXT NOT NULL,
	synced_at	TEXT NOT NULL
);

-- The audit table again, to admit the kinds 'retire', 'return' and
-- 'waivers'; its records are copied unchanged.
ALTER TABLE audit RENAME TO audit_v4;
CREATE TABLE audit (
	seq		INTEGER PRIMARY KEY,
	at		TEXT NOT NULL,
	kind		TEXT NOT NULL CHECK (kind IN ('scan', 'verdict', 'merge',
			    'batch', 'retire', 'return', 'waivers')),
	subject		INTEGER NOT NULL,
	detail		TEXT NOT NULL,
	prev_hash	TEXT NOT NULL,
	hash		TEXT NOT NULL
);
INSERT INTO audit SELECT seq, at, kind, subject, detail, prev_hash, hash
FROM audit_v4 ORDER BY seq;
DROP TABLE audit_v4;
CREATE INDEX audit_subject ON audit (kind, subject, seq);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
	SELECT RAISE(ABORT, 'audit records are append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
	SELECT RAISE(ABORT, 'audit records are append-only');
END;
DROP VIEW IF EXISTS audit_log;
CREATE VIEW audit_log AS
SELECT seq, at, kind, subject, detail, prev_hash, hash
FROM audit;

-- The inventory, with the retirement of each element.
DROP VIEW inventory;
-- Public view inventory: one row per element (merged elements excluded),
-- as in version 3, and:
--   retired_at	when it was retired (ISO-8601 UTC), NULL when it is not
--   retired_reason	why: when it was last seen, the newest observation of
--		a complete scan, and retire-after
CREATE VIEW inventory AS
SELECT
	e.id AS element_id,
	e.mgmt_ip AS mgmt_ip,
	coalesce(e.chassis_mac,
	    (SELECT min(a.value) FROM element_address a
	     WHERE a.element_id = e.id AND a.kind = 'mac')) AS mac,
	e.sys_name AS sys_name,
	e.sys_descr AS sys_descr,
	e.sys_object_id AS sys_object_id,
	e.vendor AS vendor,
	e.vendor_name AS vendor_name,
	e.risk AS risk,
	e.confidence AS confidence,
	e.conflict AS conflict,
	coalesce(nullif(e.zone, ''), 'unassigned') AS zone,
	e.model AS model,
	e.serial AS serial,
	e.software AS software,
	e.first_seen AS first_seen,
	e.last_seen AS last_seen,
	(SELECT group_concat(s.source, ',') FROM
	    (SELECT source FROM element_source
	     WHERE element_id = e.id ORDER BY source) s) AS sources,
	(SELECT name FROM provenance WHERE code = e.sys_name_src)
	    AS sys_name_source,
	e.sys_name_at AS sys_name_observed,
	(SELECT name FROM provenance WHERE code = e.mgmt_ip_src)
	    AS mgmt_ip_source,
	e.mgmt_ip_at AS mgmt_ip_observed,
	e.retired_at AS retired_at,
	e.retired_reason AS retired_reason
FROM element e
WHERE e.merged_into IS NULL;

-- Public view waivers: the recorded waivers, as of today.
--   name, scope_kind, scope, pack, rule, reason, approver, expires
--		as in the waivers file (rule NULL: every rule of the pack)
--   status	active, or lapsed after the expiry date
--   days_left	days until it lapses (0 on its last day and after)
CREATE VIEW waivers AS
SELECT name, scope_kind, scope, pack, rule, reason, approver, expires,
	CASE WHEN expires >= (SELECT today FROM policy_clock) THEN 'active'
	    ELSE 'lapsed' END AS status,
	max(0, CAST(julianday(expires) -
	    julianday((SELECT today FROM policy_clock)) AS INTEGER))
	    AS days_left
FROM waiver;

-- The evaluation views again. Changes to version 1, each marked
-- "lifecycle:": retired elements leave policy_element; policy_waived
-- (new) pairs covered elements with the waivers that cover them;
-- policy_share counts waived elements out of the share (over_cap is the
-- verdict after waivers, over_cap_unwaived before); rule_status does not
-- count waived new elements and says how many elements are waived;
-- violations lists waived rows with status waived; zone_share says
-- waived for a zone over its cap only through waived elements.
DROP VIEW zone_share;
DROP VIEW violations;
DROP VIEW rule_status;
DROP VIEW policy_share;
DROP VIEW policy_tally;
DROP VIEW policy_cover;
DROP VIEW policy_element;

-- Live elements known at the evaluation date.
CREATE VIEW policy_element AS
SELECT
	e.id AS element_id,
	e.mgmt_ip AS mgmt_ip,
	e.vendor AS vendor,
	e.conflict AS conflict,
	coalesce(nullif(e.zone, ''), 'unassigned') AS zone,
	e.first_seen AS first_seen,
	coalesce(e.first_scan <= (SELECT min(id) FROM scan
	    WHERE status = 'complete'), 0) AS baseline
FROM element e
WHERE e.merged_into IS NULL
    AND substr(e.first_seen, 1, 10) <= (SELECT today FROM policy_clock)
    -- lifecycle: an element retired by the evaluation date is gone.
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

-- lifecycle: covered elements under a waiver not expired at the
-- evaluation date, per rule: a waiver names an element by number, MAC or
-- address (its management address or any it was seen with), or a zone;
-- the first waiver by name when several apply.
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

-- Per capped rule and zone: elements, covered elements, share, and
-- whether the cap is exceeded.
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
	    -- lifecycle: covered elements a waiver takes out of the share
	    (SELECT count(*) FROM wv WHERE wv.policy = s.policy
		AND wv.rule = s.rule
		AND (s.all_zones = 1 OR wv.zone = s.zone)) AS waived
	FROM scope s
)
SELECT policy, rule, zone, all_zones, elements, covered,
	CASE WHEN elements = 0 THEN 0.0
	    ELSE 100.0 * covered / elements END AS share,
	max_share, deadline,
	-- lifecycle: over_cap after waivers, over_cap_unwaived before
	(covered - waived) * 100.0 > max_share * elements AS over_cap,
	covered * 100.0 > max_share * elements AS over_cap_unwaived,
	waived
FROM counted;

-- Public view rule_status: as in version 1, and:
--   new_elements	not counting waived elements
--   zones_over		not counting zones over their cap only through
--			waived elements
--   waived		covered elements in the rule's zones under a waiver
--			(waivers view) at the evaluation date
CREATE VIEW rule_status AS
WITH t AS MATERIALIZED (
	SELECT * FROM policy_tally
), sh AS MATERIALIZED (
	SELECT policy, rule, over_cap FROM policy_share
), wv AS MATERIALIZED (
	SELECT * FROM policy_waived
), fresh AS MATERIALIZED (
	-- lifecycle: element_id, to leave waived elements out
	SELECT policy, element_id, zone, first_seen FROM policy_cover
	WHERE baseline = 0
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
	    CASE WHEN r.first_seen_after IS NULL THEN 0 ELSE
		(SELECT count(*) FROM fresh c WHERE c.policy = r.pack
		    AND substr(c.first_seen, 1, 10) > r.first_seen_after
		    AND (r.all_zones = 1 OR c.zone IN (SELECT zone FROM
			policy_rule_zone z WHERE z.pack = r.pack AND
			z.rule = r.name))
		    AND NOT EXISTS (SELECT 1 FROM wv WHERE wv.policy = r.pack
			AND wv.rule = r.name
			AND wv.element_id = c.element_id)) END AS new_elements,
	    -- lifecycle
	    (SELECT count(*) FROM wv WHERE wv.policy = r.pack
		AND wv.rule = r.name AND (r.all_zones = 1 OR wv.zone IN
		    (SELECT zone FROM policy_rule_zone z WHERE z.pack = r.pack
			AND z.rule = r.name))) AS waived
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
	    ELSE 'met' END AS status,
	waived
FROM scoped;

-- Public view violations: as in version 1, and rows a waiver covers:
--   status		violated, pending, or waived: a waiver covers the
--			element (by number, MAC, address or zone); a waived
--			row does not make its rule violated
--   waiver		the waiver's name (see waivers), NULL when none
-- A capped zone over its cap lists every covered element in it, unless
-- the zone is within the cap once waived elements are left out: then
-- only the waived ones.
CREATE VIEW violations AS
WITH st AS MATERIALIZED (
	-- lifecycle: every rule, since a met rule may have waived rows
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

-- Public view zone_share: as in version 1, and:
--   waived		covered elements a waiver takes out of the share
--   status		met, violated, pending, or waived: over the cap only
--			through waived elements
CREATE VIEW zone_share AS
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
	    WHEN over_cap_unwaived THEN 'waived' ELSE 'met' END AS status,
	waived
FROM policy_share;
