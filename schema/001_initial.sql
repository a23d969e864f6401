-- vraudit schema, version 1: what was seen, when, by which scan, and why
-- each element is classified the way it is.
--
-- Tables are internal and may change between versions; the views at the end
-- (inventory, evidence, violations, zone_share, scans) are the contract
-- auditors query. Times are ISO-8601 UTC text ("2026-11-28T05:43:17Z"), so
-- they sort and compare as text. Values seen on the network are stored
-- verbatim: as TEXT when valid UTF-8, otherwise as a BLOB of the raw bytes.
-- Nothing is deleted: merged elements stay, marked with merged_into.

-- One SNMP sweep or capture ingest. A scan left 'running' by a process that
-- died is turned to 'interrupted' by the next writer; writer names the
-- process ("boot_id/pid/start time") so a live one is told from a dead one.
CREATE TABLE scan (
	id		INTEGER PRIMARY KEY,
	kind		TEXT NOT NULL CHECK (kind IN ('snmp', 'capture')),
	started_at	TEXT NOT NULL,
	finished_at	TEXT,
	status		TEXT NOT NULL CHECK (status IN
			    ('running', 'complete', 'failed', 'interrupted')),
	targets		TEXT,
	responded	INTEGER NOT NULL DEFAULT 0,
	frames		INTEGER NOT NULL DEFAULT 0,
	detail		TEXT,
	writer		TEXT
);
CREATE INDEX scan_running ON scan (id) WHERE status = 'running';

-- A network element and its current verdict (the latest fusion of all its
-- evidence under the rules whose digest is rules_digest).
CREATE TABLE element (
	id		INTEGER PRIMARY KEY,
	mgmt_ip		TEXT,
	chassis_mac	TEXT,
	chassis_id	TEXT,
	sys_name	TEXT,
	sys_descr	TEXT,
	sys_object_id	TEXT,
	model		TEXT,
	serial		TEXT,
	software	TEXT,
	zone		TEXT,
	vendor		TEXT,
	vendor_name	TEXT,
	risk		TEXT NOT NULL DEFAULT 'unknown'
			    CHECK (risk IN ('high', 'watch', 'none', 'unknown')),
	confidence	REAL NOT NULL DEFAULT 0,
	conflict	INTEGER NOT NULL DEFAULT 0,
	rules_digest	TEXT,
	first_seen	TEXT NOT NULL,
	last_seen	TEXT NOT NULL,
	first_scan	INTEGER REFERENCES scan (id),	-- the scan that found it
	last_scan	INTEGER REFERENCES scan (id),	-- the latest scan that saw it
	merged_into	INTEGER REFERENCES element (id)
);
CREATE INDEX element_live ON element (id) WHERE merged_into IS NULL;
CREATE INDEX element_last_scan ON element (last_scan);
CREATE INDEX element_risk ON element (risk, vendor);

-- Addresses an element was seen with (kind mac, ipv4 or ipv6). MACs are
-- canonical lower case; multicast and all-zero MACs are never recorded.
CREATE TABLE element_address (
	element_id	INTEGER NOT NULL REFERENCES element (id),
	kind		TEXT NOT NULL CHECK (kind IN ('mac', 'ipv4', 'ipv6')),
	value		TEXT NOT NULL,
	first_seen	TEXT NOT NULL,
	last_seen	TEXT NOT NULL,
	PRIMARY KEY (element_id, kind, value)
) WITHOUT ROWID;
CREATE INDEX element_address_value ON element_address (kind, value);

-- Identity keys other than addresses: 'chassis-id' (LLDP chassis ID,
-- "subtype:value") and 'name-serial' (sysName, 0x1f, serial number). A key
-- names exactly one element.
CREATE TABLE element_key (
	kind		TEXT NOT NULL CHECK (kind IN ('chassis-id', 'name-serial')),
	value		TEXT NOT NULL,
	element_id	INTEGER NOT NULL REFERENCES element (id),
	first_seen	TEXT NOT NULL,
	last_seen	TEXT NOT NULL,
	PRIMARY KEY (kind, value)
) WITHOUT ROWID;
CREATE INDEX element_key_element ON element_key (element_id);

-- One piece of evidence per (element, kind, value), as the classifier
-- assessed it; first/last observation and the scan that last saw it.
CREATE TABLE element_evidence (
	id		INTEGER PRIMARY KEY,
	element_id	INTEGER NOT NULL REFERENCES element (id),
	kind		TEXT NOT NULL,
	value		TEXT NOT NULL,
	vendor		TEXT,
	strength	REAL NOT NULL DEFAULT 0,
	rule		TEXT,
	first_observed	TEXT NOT NULL,
	last_observed	TEXT NOT NULL,
	scan_id		INTEGER REFERENCES scan (id),
	UNIQUE (element_id, kind, value)
);

-- Which probes saw an element: snmp, lldp, cdp, arp, dhcp, mac.
CREATE TABLE element_source (
	element_id	INTEGER NOT NULL REFERENCES element (id),
	source		TEXT NOT NULL,
	first_seen	TEXT NOT NULL,
	last_seen	TEXT NOT NULL,
	PRIMARY KEY (element_id, source)
) WITHOUT ROWID;

-- Neighbour relations learnt from LLDP/CDP (or bridge tables).
CREATE TABLE element_link (
	element_id	INTEGER NOT NULL REFERENCES element (id),
	neighbour_id	INTEGER NOT NULL REFERENCES element (id),
	protocol	TEXT NOT NULL,
	local_port	TEXT NOT NULL DEFAULT '',
	remote_port	TEXT NOT NULL DEFAULT '',
	first_seen	TEXT NOT NULL,
	last_seen	TEXT NOT NULL,
	PRIMARY KEY (element_id, neighbour_id, protocol, local_port, remote_port)
) WITHOUT ROWID;
CREATE INDEX element_link_neighbour ON element_link (neighbour_id);

-- Element merges: two elements found to be one box. merged_id keeps its row
-- (element.merged_into) but its addresses, keys, evidence, sources and links
-- now belong to survivor_id. reason names the key that joined them.
CREATE TABLE element_merge (
	id		INTEGER PRIMARY KEY,
	survivor_id	INTEGER NOT NULL REFERENCES element (id),
	merged_id	INTEGER NOT NULL REFERENCES element (id),
	merged_at	TEXT NOT NULL,
	scan_id		INTEGER REFERENCES scan (id),
	reason		TEXT
);

-- Public view inventory: one row per element (merged elements excluded).
--   element_id	stable number of the element
--   mgmt_ip	address it is managed by, NULL when never seen
--   mac		chassis MAC, else the lowest MAC seen on the element
--   sys_name, sys_descr, sys_object_id, model, serial, software
--		as last reported (verbatim; BLOB when not valid UTF-8)
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
	     WHERE element_id = e.id ORDER BY source) s) AS sources
FROM element e
WHERE e.merged_into IS NULL;

-- Public view evidence: every piece of evidence behind the verdicts.
--   element_id	the element (see inventory)
--   kind		sysobjectid, entity-mfg, sysdescr, lldp, cdp, engineid,
--		oui, dhcp or component
--   value		as observed (verbatim)
--   vendor	vendor slug it points to, NULL when none
--   strength	weight in [0,1] the classifier gave it
--   rule		the classifier rule that matched
--   observed_at	when it was last observed (ISO-8601 UTC)
--   scan_id	the scan that last observed it (see scans)
CREATE VIEW evidence AS
SELECT
	v.element_id AS element_id,
	v.kind AS kind,
	v.value AS value,
	v.vendor AS vendor,
	v.strength AS strength,
	v.rule AS rule,
	v.last_observed AS observed_at,
	v.scan_id AS scan_id
FROM element_evidence v;

-- Policy packs in force (policy/policy.h, conf/policies/), replaced as a
-- whole by each writer that loads them (store_sync_policies). A rule with
-- all_zones covers every element, unassigned ones included; otherwise its
-- zones are the policy_rule_zone rows. max_share is a percentage (NULL: no
-- cap); deadline and first_seen_after are YYYY-MM-DD (NULL: none).
CREATE TABLE policy_pack (
	name		TEXT PRIMARY KEY,
	title		TEXT NOT NULL,
	source		TEXT NOT NULL,
	origin		TEXT NOT NULL,
	synced_at	TEXT NOT NULL
);

CREATE TABLE policy_vendor (
	pack		TEXT NOT NULL REFERENCES policy_pack (name),
	vendor		TEXT NOT NULL,
	PRIMARY KEY (pack, vendor)
) WITHOUT ROWID;

CREATE TABLE policy_rule (
	pack		TEXT NOT NULL REFERENCES policy_pack (name),
	name		TEXT NOT NULL,
	title		TEXT NOT NULL,
	zones		TEXT NOT NULL,
	all_zones	INTEGER NOT NULL CHECK (all_zones IN (0, 1)),
	max_share	REAL CHECK (max_share BETWEEN 0 AND 100),
	deadline	TEXT,
	first_seen_after TEXT,
	CHECK (max_share IS NOT NULL OR first_seen_after IS NOT NULL),
	PRIMARY KEY (pack, name)
) WITHOUT ROWID;

CREATE TABLE policy_rule_zone (
	pack		TEXT NOT NULL,
	rule		TEXT NOT NULL,
	zone		TEXT NOT NULL,
	PRIMARY KEY (pack, rule, zone),
	FOREIGN KEY (pack, rule) REFERENCES policy_rule (pack, name)
) WITHOUT ROWID;

-- Compliance evaluation. The logic lives only in the views below; they
-- evaluate at today's date (policy_clock) and the synced packs. `vraudit
-- report` runs these same view definitions, read from the file, as a WITH
-- query in which policy_clock and the policy tables are replaced by its
-- evaluation date and its packs: keep every date-dependent expression on
-- policy_clock and every pack reference on the policy_* tables.
--
-- Semantics (also in policy/policy.h and in the report):
-- * covered: the verdict's vendor is one of the pack's vendors, or the
--   verdict has conflicting evidence and strong evidence names one of them;
-- * merged elements never count; elements first seen after the evaluation
--   date do not exist yet; an element without a zone is in zone unassigned;
-- * a cap applies to each zone of a rule (to every element for zone all):
--   over when covered * 100 > max_share * elements;
-- * first_seen_after: covered elements in scope first seen after that date,
--   except those found by the first complete scan (the baseline: first_seen
--   is when vraudit first saw an element, not when it was installed);
-- * pending while the evaluation date is before the deadline.

-- The evaluation date, YYYY-MM-DD.
CREATE VIEW policy_clock AS
SELECT strftime('%Y-%m-%d', 'now') AS today;

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
    AND substr(e.first_seen, 1, 10) <= (SELECT today FROM policy_clock);

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
		AND (s.all_zones = 1 OR t.zone = s.zone)), 0) AS covered
	FROM scope s
)
SELECT policy, rule, zone, all_zones, elements, covered,
	CASE WHEN elements = 0 THEN 0.0
	    ELSE 100.0 * covered / elements END AS share,
	max_share, deadline,
	covered * 100.0 > max_share * elements AS over_cap
FROM counted;

-- Public view rule_status: the verdict of every rule of the packs in force.
--   policy, rule, title	the pack, the rule and what it says
--   zones		all, or the comma list of zones it applies to
--   max_share		cap in percent (NULL: none)
--   first_seen_after	no covered element first seen after it (NULL: none)
--   deadline		the rule applies from that day (NULL: always)
--   as_of		the evaluation date (today)
--   days_left		days until the deadline (0 when it applies)
--   elements, covered	elements in the rule's zones, and of covered vendors
--   zones_over		zones whose share exceeds the cap
--   new_elements	covered elements first seen after first_seen_after,
--			not counting the baseline scan
--   state		met or violated, as things stand
--   status		met, violated, or pending (deadline in the future)
CREATE VIEW rule_status AS
WITH t AS MATERIALIZED (
	SELECT * FROM policy_tally
), sh AS MATERIALIZED (
	SELECT policy, rule, over_cap FROM policy_share
), fresh AS MATERIALIZED (
	SELECT policy, zone, first_seen FROM policy_cover WHERE baseline = 0
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
			z.rule = r.name))) END AS new_elements
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
	    ELSE 'met' END AS status
FROM scoped;

-- Public view violations: one row per element and rule it breaks (status
-- violated), or would break once the deadline comes (status pending).
--   policy, rule	the pack and rule (see rule_status)
--   element_id, mgmt_ip, vendor, zone	the element (zone unassigned when
--			none); vendor is its verdict's vendor
--   status		violated or pending
--   deadline		the day the rule applies from (NULL: always)
--   detail		why: the zone's share against its cap, or when the
--			element was first seen; "conflicting evidence" when
--			only conflicting strong evidence names a covered
--			vendor; for pending rules, the days left
-- A capped zone over its cap lists every covered element in it.
CREATE VIEW violations AS
WITH st AS MATERIALIZED (
	SELECT * FROM rule_status WHERE state = 'violated'
), shares AS MATERIALIZED (
	SELECT * FROM policy_share
), cover AS MATERIALIZED (
	SELECT * FROM policy_cover
), hit AS (
	SELECT st.policy, st.rule, st.status, st.deadline, st.days_left,
	    st.first_seen_after, c.element_id, c.mgmt_ip, c.vendor, c.zone,
	    c.first_seen, c.by_conflict,
	    sh.over_cap, sh.zone AS share_zone, sh.covered, sh.elements,
	    sh.share, sh.max_share,
	    (st.first_seen_after IS NOT NULL AND c.baseline = 0 AND
		substr(c.first_seen, 1, 10) > st.first_seen_after) AS is_new
	FROM st
	JOIN cover c ON c.policy = st.policy
	LEFT JOIN shares sh ON sh.policy = st.policy
	    AND sh.rule = st.rule
	    AND sh.zone = CASE WHEN st.all_zones = 1 THEN 'all' ELSE c.zone END
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
	status,
	deadline,
	substr(
	    CASE WHEN over_cap THEN printf('; covered vendors are %d of %d ' ||
		'elements in %s (%.2f%%), cap %g%%', covered, elements,
		share_zone, share, max_share) ELSE '' END ||
	    CASE WHEN is_new THEN printf('; first seen %s, after %s',
		first_seen, first_seen_after) ELSE '' END ||
	    CASE WHEN by_conflict THEN '; conflicting evidence: strong ' ||
		'evidence names a covered vendor' ELSE '' END ||
	    CASE WHEN status = 'pending' THEN printf('; pending: applies ' ||
		'from %s, %d days left', deadline, days_left) ELSE '' END,
	    3) AS detail
FROM hit
WHERE coalesce(over_cap, 0) OR is_new;

-- Public view zone_share: per capped rule and zone, the share of covered
-- vendors against the cap (rules with zone all have one row, zone all).
--   policy, rule, zone	the pack, the rule, the zone (unassigned: none)
--   elements		live elements in the zone
--   high_risk		of those, elements of the pack's vendors
--   share		high_risk / elements in percent (0 when empty)
--   max_share		the cap in percent
--   deadline		the rule applies from that day (NULL: always)
--   status		met, violated, or pending (deadline in the future)
-- Shares count elements, not sites or traffic.
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
	    WHEN over_cap THEN 'violated' ELSE 'met' END AS status
FROM policy_share;

-- Public view scans: every sweep and ingest.
--   scan_id	number the evidence view refers to
--   kind		snmp or capture
--   started_at, finished_at	ISO-8601 UTC; finished_at NULL while running
--   status	running, complete, failed or interrupted (the process
--		died; its committed results are kept)
--   targets	what was scanned (targets or capture files/interfaces)
--   responded	agents that answered (snmp) / elements seen (capture)
--   frames	frames read (capture)
--   detail	a human-readable note, e.g. the error of a failed scan
CREATE VIEW scans AS
SELECT
	id AS scan_id,
	kind,
	started_at,
	finished_at,
	status,
	targets,
	responded,
	frames,
	detail
FROM scan;

-- The audit chain: an append-only, hash-chained record of every change an
-- auditor relies on, written in the same transaction as the change.
--   seq		1, 2, 3... without gaps
--   at		when it was recorded (ISO-8601 UTC)
--   kind		'scan' (a scan ended; subject = scan id), 'verdict' (an
--		element's vendor, vendor name, risk, confidence or conflict
--		changed; subject = element id) or 'merge' (two elements were
--		found to be one box; subject = the surviving element id)
--   detail	canonical text of what happened: "key=value" lines, each
--		ending in a newline, in a fixed order; in values a backslash
--		is written \\ and control characters and bytes that are not
--		UTF-8 as \xNN, so detail is always printable UTF-8.
--		scan:    scan, kind, status, started, finished, targets,
--		         responded, frames, note
--		verdict: element, old.vendor, old.vendor_name, old.risk,
--		         old.confidence, old.conflict, new.vendor,
--		         new.vendor_name, new.risk, new.confidence,
--		         new.conflict, rules (digest of the rules in force)
--		merge:   survivor, merged, reason, scan, seen
--		(an absent value is empty; a confidence is the shortest
--		decimal that reads back as the stored REAL)
--   prev_hash	hash of record seq - 1; 64 zeros for record 1
--   hash		lower-case hex SHA-256 over prev_hash, seq, at, kind,
--		subject and detail, in that order, each as its length in
--		bytes (8-byte big-endian) followed by its bytes (UTF-8; seq
--		and subject as decimal text). In Python:
--		  h = hashlib.sha256()
--		  for f in (prev_hash, str(seq), at, kind, str(subject), detail):
--		      b = f.encode(); h.update(len(b).to_bytes(8, 'big') + b)
--		  assert h.hexdigest() == hash
-- Changing a record changes its hash; recomputing that hash breaks the next
-- record's prev_hash; deleting records leaves a gap in seq. Only the newest
-- records can vanish unseen: keep the head (seq and hash, printed by
-- `vraudit verify` and the report) somewhere the database's writers cannot
-- change it.
CREATE TABLE audit (
	seq		INTEGER PRIMARY KEY,
	at		TEXT NOT NULL,
	kind		TEXT NOT NULL CHECK (kind IN ('scan', 'verdict', 'merge')),
	subject		INTEGER NOT NULL,
	detail		TEXT NOT NULL,
	prev_hash	TEXT NOT NULL,
	hash		TEXT NOT NULL
);
CREATE INDEX audit_subject ON audit (kind, subject, seq);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
	SELECT RAISE(ABORT, 'audit records are append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
	SELECT RAISE(ABORT, 'audit records are append-only');
END;

-- Public view audit_log: the audit chain, as described above.
--   seq, at, kind, subject, detail, prev_hash, hash
CREATE VIEW audit_log AS
SELECT seq, at, kind, subject, detail, prev_hash, hash
FROM audit;
