-- vraudit schema, version 4: every input of a verdict in the audit chain.
--
-- Until version 3 the chain recorded scans, verdict changes and merges: an
-- edit of an element's zone, first_seen or evidence changed what the
-- report says without a record to contradict it. From version 4 on, each
-- committed batch appends one record of kind 'batch' that commits, as the
-- root of a Merkle tree, one leaf per element the batch changed: the
-- element's whole state as the report and the policy views read it (its
-- fields, verdict, zone, times, merge, sources and every piece of
-- evidence). `vraudit verify` checks each batch's leaves against its
-- root, then each element against its last leaf, so that any edit that
-- would change a report is found and named. Verdict changes are in the
-- leaves and get no record of their own any more; scans and merges keep
-- theirs.
--
-- The audit table is rebuilt to admit the new kind; its records are
-- copied unchanged, so the chain written before still verifies.

ALTER TABLE audit RENAME TO audit_v3;
CREATE TABLE audit (
	seq		INTEGER PRIMARY KEY,
	at		TEXT NOT NULL,
	kind		TEXT NOT NULL CHECK (kind IN ('scan', 'verdict', 'merge',
			    'batch')),
	subject		INTEGER NOT NULL,
	detail		TEXT NOT NULL,
	prev_hash	TEXT NOT NULL,
	hash		TEXT NOT NULL
);
INSERT INTO audit SELECT seq, at, kind, subject, detail, prev_hash, hash
FROM audit_v3 ORDER BY seq;
DROP TABLE audit_v3;
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

-- The leaves a 'batch' record commits: seq is that record's, idx the
-- leaf's place in the tree (elements in the order of their number),
-- detail the element's state (vraudit-schema(7), "Leaves"), hash its leaf
-- hash (SHA-256 of a 0x00 byte and the detail) in lower-case hex.
CREATE TABLE audit_leaf (
	seq		INTEGER NOT NULL,
	idx		INTEGER NOT NULL,
	element		INTEGER NOT NULL,
	detail		TEXT NOT NULL,
	hash		TEXT NOT NULL,
	PRIMARY KEY (seq, idx)
) WITHOUT ROWID;
CREATE TRIGGER audit_leaf_no_update BEFORE UPDATE ON audit_leaf
BEGIN
	SELECT RAISE(ABORT, 'audit leaves are append-only');
END;
CREATE TRIGGER audit_leaf_no_delete BEFORE DELETE ON audit_leaf
BEGIN
	SELECT RAISE(ABORT, 'audit leaves are append-only');
END;

-- Elements of a database from before leaves have none: the first writer
-- after this migration commits their state as one batch, then removes
-- the note.
CREATE TABLE audit_pending (what TEXT PRIMARY KEY);
INSERT INTO audit_pending SELECT 'genesis' WHERE EXISTS (SELECT 1 FROM element);

-- The hash of an element's last leaf, so that a writer adds a leaf only
-- when the state changed. A cache: verify trusts the leaves, not this.
ALTER TABLE element ADD COLUMN leaf_hash TEXT;

-- Public view audit_leaves: the leaves, with the record that commits them.
--   seq		the 'batch' record (see audit_log)
--   idx		the leaf's place in that record's tree
--   element_id	the element
--   detail	the element's state, "key=value" lines
--   hash		the leaf hash
CREATE VIEW audit_leaves AS
SELECT seq, idx, element AS element_id, detail, hash
FROM audit_leaf;
