-- vraudit schema, version 7: the same evaluation, computed faster.
--
-- new_elements and violations again, with the same columns and the same
-- rows as in version 6. Over 100,000 elements they took most of the
-- report's evaluation: new_elements looked each element up three times
-- and searched the waivers per row; violations tested each covered
-- element against each rule of its pack, its zone against the rule's
-- zones and printed the cap of its zone, per row. Now the rules' scopes
-- (rule and zone, with the cap's words) are settled first, on the pack
-- and zone tallies, and the covered elements joined to them by pack and
-- zone; each element is read once.

DROP VIEW violations;
DROP VIEW new_elements;

-- Public view new_elements: as in version 6.
CREATE VIEW new_elements AS
WITH wv AS MATERIALIZED (
	SELECT policy, rule, element_id, waiver FROM policy_waived
), scope AS MATERIALIZED (
	-- each first-seen-after rule's zones that hold covered elements
	SELECT r.pack, r.name, r.first_seen_after, t.zone
	FROM policy_rule r
	JOIN policy_tally t ON t.policy = r.pack AND t.covered > 0
	WHERE r.first_seen_after IS NOT NULL
	    AND (r.all_zones = 1 OR t.zone IN (SELECT zone FROM
		policy_rule_zone z WHERE z.pack = r.pack AND z.rule = r.name))
)
SELECT s.pack AS policy, s.name AS rule, c.element_id AS element_id,
	c.mgmt_ip AS mgmt_ip,
	coalesce(e.chassis_mac, (SELECT min(a.value)
	    FROM element_address a WHERE a.element_id = e.id
		AND a.kind = 'mac')) AS mac,
	e.sys_name AS sys_name,
	c.vendor AS vendor,
	e.risk AS risk,
	c.zone AS zone,
	c.first_seen AS first_seen, s.first_seen_after AS first_seen_after,
	wv.waiver AS waiver
FROM scope s
JOIN policy_cover c ON c.policy = s.pack AND c.zone = s.zone
LEFT JOIN element e ON e.id = c.element_id
LEFT JOIN wv ON wv.policy = s.pack AND wv.rule = s.name
    AND wv.element_id = c.element_id
WHERE c.baseline = 0 AND substr(c.first_seen, 1, 10) > s.first_seen_after;

-- Public view violations: as in version 6.
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
	FROM scope s
	JOIN policy_cover c ON c.policy = s.policy AND c.zone = s.zone
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
