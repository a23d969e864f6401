-- vraudit schema, version 13: where to find each element, in the
-- inventory.
--
-- An element learnt from another agent's ARP or bridge table, or heard in
-- a capture, has no mgmt_ip: its addresses were only in element_address,
-- and the inventory showed none, so a high-risk device could be listed
-- with nothing to go and find it by. The inventory now names an address
-- for every element that has one, as the compliance report does for the
-- violating ones, and lists all its IP addresses. mgmt_ip keeps its
-- meaning (the address it is managed by). The columns are added at the
-- end: those of version 5 keep their places.

DROP VIEW inventory;
-- Public view inventory: one row per element (merged elements excluded),
-- as in version 5, and:
--   address	its mgmt_ip, else its first IPv4 address, else its first
--		IPv6 address (in text order); NULL when it has none
--   address_kind	mgmt, ipv4 or ipv6: which one address is
--   addresses	all its IPv4 then IPv6 addresses, in text order and
--		comma-separated; NULL when it has none
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
	e.retired_reason AS retired_reason,
	CASE WHEN e.mgmt_ip <> '' THEN e.mgmt_ip
	    ELSE (SELECT a.value FROM element_address a
		WHERE a.element_id = e.id
		    AND (a.kind = 'ipv4' OR a.kind = 'ipv6')
		ORDER BY a.kind, a.value LIMIT 1) END AS address,
	CASE WHEN e.mgmt_ip <> '' THEN 'mgmt'
	    ELSE (SELECT a.kind FROM element_address a
		WHERE a.element_id = e.id
		    AND (a.kind = 'ipv4' OR a.kind = 'ipv6')
		ORDER BY a.kind, a.value LIMIT 1) END AS address_kind,
	(SELECT group_concat(x.value, ',') FROM
	    (SELECT a.value FROM element_address a
	     WHERE a.element_id = e.id
		 AND (a.kind = 'ipv4' OR a.kind = 'ipv6')
	     ORDER BY a.kind, a.value) x) AS addresses
FROM element e
WHERE e.merged_into IS NULL;
