-- vraudit schema, version 3: where each field of an element comes from.
--
-- An element's descriptive fields (management address, sysName, ...) may
-- be reported by several probes that disagree: the agent itself over SNMP,
-- LLDP heard on a mirror port, another agent's LLDP table, a DHCP request.
-- Each field now keeps, besides its value, where it came from (FIELD_src,
-- a code of the provenance table) and when that was observed (FIELD_at).
-- A new observation replaces the value only when it ranks higher by
-- (provenance, time, value): first-hand before second-hand, then the
-- newer, then the greater value, so that the same observations in any
-- order leave the same inventory.
--
-- Values recorded before this version get provenance 5, "unrecorded", and
-- their element's last_seen as their time: an agent's own answer or LLDP
-- heard on the wire replace them; another agent's tables, DHCP and ARP do
-- not.

-- The precedence, highest first.
CREATE TABLE provenance (
	code		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE,
	description	TEXT NOT NULL
);
INSERT INTO provenance (code, name, description) VALUES
	(8, 'snmp', 'what the agent said of itself over SNMP'),
	(7, 'lldp', 'LLDP heard on a mirror port'),
	(6, 'cdp', 'CDP heard on a mirror port'),
	(5, 'unrecorded', 'recorded before provenance was kept'),
	(4, 'lldp-table', 'another agent''s LLDP remote table'),
	(3, 'cdp-table', 'another agent''s CDP cache'),
	(2, 'dhcp', 'DHCP heard on a mirror port'),
	(1, 'arp', 'ARP heard, or another agent''s ARP table'),
	(0, 'mac', 'a bare MAC: a frame, a bridge table');

ALTER TABLE element ADD COLUMN mgmt_ip_src INTEGER;
ALTER TABLE element ADD COLUMN mgmt_ip_at TEXT;
ALTER TABLE element ADD COLUMN chassis_mac_src INTEGER;
ALTER TABLE element ADD COLUMN chassis_mac_at TEXT;
ALTER TABLE element ADD COLUMN chassis_id_src INTEGER;
ALTER TABLE element ADD COLUMN chassis_id_at TEXT;
ALTER TABLE element ADD COLUMN sys_name_src INTEGER;
ALTER TABLE element ADD COLUMN sys_name_at TEXT;
ALTER TABLE element ADD COLUMN sys_descr_src INTEGER;
ALTER TABLE element ADD COLUMN sys_descr_at TEXT;
ALTER TABLE element ADD COLUMN sys_object_id_src INTEGER;
ALTER TABLE element ADD COLUMN sys_object_id_at TEXT;
ALTER TABLE element ADD COLUMN model_src INTEGER;
ALTER TABLE element ADD COLUMN model_at TEXT;
ALTER TABLE element ADD COLUMN serial_src INTEGER;
ALTER TABLE element ADD COLUMN serial_at TEXT;
ALTER TABLE element ADD COLUMN software_src INTEGER;
ALTER TABLE element ADD COLUMN software_at TEXT;
ALTER TABLE element ADD COLUMN zone_src INTEGER;
ALTER TABLE element ADD COLUMN zone_at TEXT;

UPDATE element SET
	mgmt_ip_src = CASE WHEN mgmt_ip IS NOT NULL THEN 5 END,
	mgmt_ip_at = CASE WHEN mgmt_ip IS NOT NULL THEN last_seen END,
	chassis_mac_src = CASE WHEN chassis_mac IS NOT NULL THEN 5 END,
	chassis_mac_at = CASE WHEN chassis_mac IS NOT NULL THEN last_seen END,
	chassis_id_src = CASE WHEN chassis_id IS NOT NULL THEN 5 END,
	chassis_id_at = CASE WHEN chassis_id IS NOT NULL THEN last_seen END,
	sys_name_src = CASE WHEN sys_name IS NOT NULL THEN 5 END,
	sys_name_at = CASE WHEN sys_name IS NOT NULL THEN last_seen END,
	sys_descr_src = CASE WHEN sys_descr IS NOT NULL THEN 5 END,
	sys_descr_at = CASE WHEN sys_descr IS NOT NULL THEN last_seen END,
	sys_object_id_src = CASE WHEN sys_object_id IS NOT NULL THEN 5 END,
	sys_object_id_at = CASE WHEN sys_object_id IS NOT NULL THEN last_seen END,
	model_src = CASE WHEN model IS NOT NULL THEN 5 END,
	model_at = CASE WHEN model IS NOT NULL THEN last_seen END,
	serial_src = CASE WHEN serial IS NOT NULL THEN 5 END,
	serial_at = CASE WHEN serial IS NOT NULL THEN last_seen END,
	software_src = CASE WHEN software IS NOT NULL THEN 5 END,
	software_at = CASE WHEN software IS NOT NULL THEN last_seen END,
	zone_src = CASE WHEN zone IS NOT NULL THEN 5 END,
	zone_at = CASE WHEN zone IS NOT NULL THEN last_seen END;

-- The inventory view, with where sys_name and mgmt_ip come from.
DROP VIEW inventory;
-- Public view inventory: one row per element (merged elements excluded).
--   element_id	stable number of the element
--   mgmt_ip	address it is managed by, NULL when never seen
--   mac		chassis MAC, else the lowest MAC seen on the element
--   sys_name, sys_descr, sys_object_id, model, serial, software
--		the observation that ranks highest: by provenance (the
--		agent's own answer first), then the newer (verbatim; BLOB
--		when not valid UTF-8); mgmt_ip alike, so that an agent
--		keeps the address it was polled at
--   vendor	vendor slug of the verdict, NULL when unknown
--   vendor_name	display name of that vendor
--   risk		high, watch, none or unknown
--   confidence	in [0,1]
--   conflict	1 when strong evidence names two vendors
--   zone		zone of its management address, other addresses or
--		sysName ([zone] sections), else of the section that found
--		it; unassigned when none
--   first_seen, last_seen	ISO-8601 UTC
--   sources	sorted comma-separated probes that saw it (arp,lldp,snmp)
--   sys_name_source, mgmt_ip_source	where sys_name and mgmt_ip come
--		from: a name of the provenance table (snmp: the agent's
--		own answer; lldp, cdp: heard on a mirror port; lldp-table,
--		cdp-table: another agent's tables; dhcp; arp; unrecorded)
--   sys_name_observed, mgmt_ip_observed	when that was observed
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
	e.mgmt_ip_at AS mgmt_ip_observed
FROM element e
WHERE e.merged_into IS NULL;
