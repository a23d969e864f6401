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
--   zone		zone of the section that last saw it
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
	e.zone AS zone,
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

-- Public view violations: one row per element breaking a policy rule.
-- Columns: policy, rule, element_id, mgmt_ip, vendor, zone, status
-- (violated or pending), deadline, detail. Empty until the compliance
-- schema replaces it.
CREATE VIEW violations AS
SELECT
	CAST(NULL AS TEXT) AS policy,
	CAST(NULL AS TEXT) AS rule,
	CAST(NULL AS INTEGER) AS element_id,
	CAST(NULL AS TEXT) AS mgmt_ip,
	CAST(NULL AS TEXT) AS vendor,
	CAST(NULL AS TEXT) AS zone,
	CAST(NULL AS TEXT) AS status,
	CAST(NULL AS TEXT) AS deadline,
	CAST(NULL AS TEXT) AS detail
WHERE 0;

-- Public view zone_share: per policy rule and zone, how many elements and
-- how many of the covered vendors. Columns: policy, rule, zone, elements,
-- high_risk, share, max_share, deadline, status. Empty until the compliance
-- schema replaces it.
CREATE VIEW zone_share AS
SELECT
	CAST(NULL AS TEXT) AS policy,
	CAST(NULL AS TEXT) AS rule,
	CAST(NULL AS TEXT) AS zone,
	CAST(NULL AS INTEGER) AS elements,
	CAST(NULL AS INTEGER) AS high_risk,
	CAST(NULL AS REAL) AS share,
	CAST(NULL AS REAL) AS max_share,
	CAST(NULL AS TEXT) AS deadline,
	CAST(NULL AS TEXT) AS status
WHERE 0;

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
