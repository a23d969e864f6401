-- vraudit schema, version 10: the same evaluation, with its joins in the
-- order that reads each covered element once.
--
-- policy_cover and violations again, with the same columns and the same
-- rows as in version 9. SQLite chose to read the few rows of the packs'
-- vendors (and the rules' scopes) first and to build, for each query, a
-- temporary index over every element (every covered element) to join
-- them to: over 100,000 elements that index was most of policy_cover's
-- time and a fifth of violations'. The elements are now read once, in
-- order, and each looks its pack's vendors (its rule's scopes) up in an
-- index of those few rows.

DROP VIEW violations;
DROP VIEW policy_cover;

-- Elements each pack covers; by_conflict when only conflicting strong
-- evidence names a covered vendor (as in version 6).
CREATE VIEW policy_cover AS
WITH pv AS MATERIALIZED (
	SELECT pack, vendor FROM policy_vendor
)
SELECT v.pack AS policy, x.element_id, x.mgmt_ip, x.vendor, x.zone,
	x.first_seen, x.baseline, 0 AS by_conflict
FROM policy_element x CROSS JOIN pv v ON v.vendor = x.vendor
UNION ALL
SELECT p.name AS policy, x.element_id, x.mgmt_ip, x.vendor, x.zone,
	x.first_seen, x.baseline, 1 AS by_conflict
FROM policy_element x CROSS JOIN policy_pack p
WHERE x.conflict = 1
    AND NOT EXISTS (SELECT 1 FROM policy_vendor v
	WHERE v.pack = p.name AND v.vendor = x.vendor)
    AND EXISTS (SELECT 1 FROM element_evidence ev JOIN policy_vendor v
	ON v.vendor = ev.vendor
	WHERE ev.element_id = x.element_id AND v.pack = p.name
	    AND ev.kind IN ('sysobjectid', 'entity-mfg', 'sysdescr', 'lldp',
		'cdp')
	    AND ev.strength >= 0.8);

-- Public view violations: as in version 7.
CREATE VIEW violations AS
WITH st AS MATERIALIZED (
	SELECT policy, rule, deadline, days_left, first_seen_after,
	    all_zones,
	    CASE WHEN days_left > 0 THEN printf('; pending: applies ' ||
		'from %s, %d days left', deadline, days_left) ELSE '' END
		AS pending
	FROM rule_status
), wv AS MATERIALIZED (
	SELECT policy, rule, element_id, waiver FROM policy_waived
), scope AS MATERIALIZED (
	-- each rule's zones that hold covered elements, with its share
	-- there (zone all for a rule of every zone); only those where an
	-- element can violate it: over the cap, or new
	SELECT st.*, t.zone AS zone, sh.over_cap, sh.over_cap_unwaived,
	    CASE WHEN sh.over_cap_unwaived THEN printf('; covered vendors ' ||
		'are %d of %d elements in %s (%.2f%%), cap %g%%', sh.covered,
		sh.elements, sh.zone, sh.share, sh.max_share) ELSE '' END
		AS capped
	FROM st
	JOIN policy_tally t ON t.policy = st.policy AND t.covered > 0
	LEFT JOIN policy_share sh ON sh.policy = st.policy
	    AND sh.rule = st.rule
	    AND sh.zone = CASE WHEN st.all_zones = 1 THEN 'all' ELSE t.zone END
	WHERE (st.all_zones = 1 OR t.zone IN (SELECT zone FROM
	    policy_rule_zone z WHERE z.pack = st.policy AND z.rule = st.rule))
	    AND (coalesce(sh.over_cap_unwaived, 0)
		OR st.first_seen_after IS NOT NULL)
), hit AS (
	SELECT s.policy, s.rule, s.days_left, s.deadline, s.first_seen_after,
	    s.pending, s.capped, s.over_cap, s.over_cap_unwaived,
	    c.element_id, c.mgmt_ip, c.vendor, c.zone, c.first_seen,
	    c.by_conflict,
	    (s.first_seen_after IS NOT NULL AND c.baseline = 0 AND
		substr(c.first_seen, 1, 10) > s.first_seen_after) AS is_new,
	    wv.waiver
	FROM policy_cover c
	CROSS JOIN scope s ON c.policy = s.policy AND c.zone = s.zone
	LEFT JOIN wv ON wv.policy = s.policy AND wv.rule = s.rule
	    AND wv.element_id = c.element_id
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
	substr(capped ||
	    CASE WHEN is_new THEN printf('; first seen %s, after %s',
		first_seen, first_seen_after) ELSE '' END ||
	    CASE WHEN by_conflict THEN '; conflicting evidence: strong ' ||
		'evidence names a covered vendor' ELSE '' END ||
	    CASE WHEN waiver IS NOT NULL THEN printf('; waived: %s', waiver)
		ELSE pending END,
	    3) AS detail,
	waiver
FROM hit
WHERE (coalesce(over_cap_unwaived, 0) OR is_new)
    AND (waiver IS NOT NULL OR coalesce(over_cap, 0) OR is_new);
