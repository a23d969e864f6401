-- vraudit central schema, version 6: where to find each element, in the
-- inventory, as in a site's file from its schema version 13.
--
-- An element a site learnt from another agent's ARP or bridge table, or
-- heard in a capture, has no mgmt_ip; its addresses were only in
-- element_address. The inventory gains, at the end, the columns a site's
-- has: address (mgmt_ip, else the first IPv4 address, else the first IPv6
-- address, in byte order as SQLite sorts them), address_kind (mgmt, ipv4
-- or ipv6) and addresses (all of them, comma-separated).
CREATE OR REPLACE VIEW vraudit.inventory WITH (security_invoker = true) AS
SELECT e.site, e.id AS element_id, e.mgmt_ip, e.mac, e.sys_name,
    e.sys_descr, e.sys_object_id, e.vendor, e.vendor_name, e.risk,
    e.confidence, e.conflict, coalesce(e.zone, 'unassigned') AS zone,
    e.model, e.serial, e.software, e.first_seen, e.last_seen, e.sources,
    e.retired_at, e.retired_reason,
    CASE WHEN e.mgmt_ip <> '' THEN e.mgmt_ip
	ELSE (SELECT a.value FROM vraudit.element_address a
	    WHERE a.site = e.site AND a.element_id = e.id
		AND a.kind IN ('ipv4', 'ipv6')
	    ORDER BY a.kind COLLATE "C", a.value COLLATE "C" LIMIT 1)
	END AS address,
    CASE WHEN e.mgmt_ip <> '' THEN 'mgmt'
	ELSE (SELECT a.kind FROM vraudit.element_address a
	    WHERE a.site = e.site AND a.element_id = e.id
		AND a.kind IN ('ipv4', 'ipv6')
	    ORDER BY a.kind COLLATE "C", a.value COLLATE "C" LIMIT 1)
	END AS address_kind,
    (SELECT string_agg(a.value, ',' ORDER BY a.kind COLLATE "C",
	    a.value COLLATE "C")
	FROM vraudit.element_address a
	WHERE a.site = e.site AND a.element_id = e.id
	    AND a.kind IN ('ipv4', 'ipv6')) AS addresses
FROM vraudit.element e
WHERE e.merged_into IS NULL;
