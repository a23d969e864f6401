-- vraudit central schema, version 1: the sites' audit chains in one
-- PostgreSQL database, checked on arrival, and the state they prove.
--
-- A site pushes the records of its SQLite audit chain (table audit) and
-- the leaves of its batch records (table audit_leaf), in order, as they
-- are. Nothing else is trusted: before a record is accepted this database
-- recomputes its hash, checks that it continues the site's chain held
-- here (its seq follows the head, its prev_hash is the head's hash), and
-- for a batch record that its leaves hash to the Merkle root it commits.
-- The tables an auditor reads (element, element_address,
-- element_evidence, scan, scan_zone) are derived from the accepted
-- records alone, so they say what the chain proves and nothing more.
-- vraudit-schema(7), "Central database", documents the public views.
--
-- Roles: the owner (who runs `vraudit central migrate`) administers;
-- members of vraudit_site push, each only its own site's rows (row-level
-- security); members of vraudit_auditor read everything and write
-- nothing.

CREATE SCHEMA vraudit;

-- The schema's version (key 'version'), kept by `vraudit central migrate`.
CREATE TABLE vraudit.meta (
	key		text PRIMARY KEY,
	value		text NOT NULL
);

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vraudit_site') THEN
		CREATE ROLE vraudit_site NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vraudit_auditor') THEN
		CREATE ROLE vraudit_auditor NOLOGIN;
	END IF;
END
$$;

-- The sites, and the head of each one's chain as held here.
CREATE TABLE vraudit.site (
	name		text PRIMARY KEY
			CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$'),
	role		name NOT NULL UNIQUE,
	added_at	timestamptz NOT NULL DEFAULT now(),
	head_seq	bigint NOT NULL DEFAULT 0,
	head_hash	text NOT NULL DEFAULT
	    '0000000000000000000000000000000000000000000000000000000000000000',
	pushed_at	timestamptz
);

-- A site's audit records, as its SQLite file holds them (vraudit-schema(7),
-- "Audit chain").
CREATE TABLE vraudit.record (
	site		text NOT NULL REFERENCES vraudit.site (name),
	seq		bigint NOT NULL CHECK (seq > 0),
	at		text NOT NULL,
	kind		text NOT NULL,
	subject		bigint NOT NULL,
	detail		text NOT NULL,
	prev_hash	text NOT NULL,
	hash		text NOT NULL,
	received_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (site, seq)
);

-- The leaves of a site's batch records.
CREATE TABLE vraudit.leaf (
	site		text NOT NULL REFERENCES vraudit.site (name),
	seq		bigint NOT NULL,
	idx		integer NOT NULL CHECK (idx >= 0),
	element		bigint NOT NULL,
	detail		text NOT NULL,
	hash		text NOT NULL,
	PRIMARY KEY (site, seq, idx)
);

-- Pushes refused: a site whose history differs from what is held here.
CREATE TABLE vraudit.refusal (
	id		bigserial PRIMARY KEY,
	site		text NOT NULL REFERENCES vraudit.site (name),
	at		timestamptz NOT NULL DEFAULT now(),
	reason		text NOT NULL
);

-- What the accepted chains prove: each element's state as of its last
-- leaf, and each ended scan.
CREATE TABLE vraudit.element (
	site		text NOT NULL REFERENCES vraudit.site (name),
	id		bigint NOT NULL,
	mgmt_ip		text,
	chassis_mac	text,
	mac		text,
	sys_name	text,
	sys_descr	text,
	sys_object_id	text,
	model		text,
	serial		text,
	software	text,
	zone		text,
	vendor		text,
	vendor_name	text,
	risk		text,
	confidence	double precision,
	conflict	integer,
	first_seen	text,
	last_seen	text,
	first_scan	bigint,
	merged_into	bigint,
	sources		text,
	retired_at	text,
	retired_seen	text,
	retired_reason	text,
	leaf_seq	bigint NOT NULL,
	PRIMARY KEY (site, id)
);
CREATE TABLE vraudit.element_address (
	site		text NOT NULL,
	element_id	bigint NOT NULL,
	kind		text NOT NULL,
	value		text NOT NULL,
	PRIMARY KEY (site, element_id, kind, value),
	FOREIGN KEY (site, element_id) REFERENCES vraudit.element (site, id)
);
CREATE TABLE vraudit.element_evidence (
	site		text NOT NULL,
	element_id	bigint NOT NULL,
	kind		text NOT NULL,
	value		text NOT NULL,
	vendor		text,
	strength	double precision,
	rule		text,
	last_observed	text,
	scan_id		bigint,
	FOREIGN KEY (site, element_id) REFERENCES vraudit.element (site, id)
);
CREATE INDEX element_evidence_element ON vraudit.element_evidence
    (site, element_id);
CREATE TABLE vraudit.scan (
	site		text NOT NULL REFERENCES vraudit.site (name),
	id		bigint NOT NULL,
	kind		text,
	status		text,
	started_at	text,
	finished_at	text,
	targets		text,
	responded	bigint,
	frames		bigint,
	detail		text,
	record_seq	bigint NOT NULL,
	PRIMARY KEY (site, id)
);
CREATE TABLE vraudit.scan_zone (
	site		text NOT NULL,
	scan_id		bigint NOT NULL,
	zone		text NOT NULL,
	targets		bigint NOT NULL,
	answered	bigint NOT NULL,
	silent		bigint NOT NULL,
	refused		bigint NOT NULL,
	cut		bigint NOT NULL,
	missing		bigint NOT NULL,
	PRIMARY KEY (site, scan_id, zone),
	FOREIGN KEY (site, scan_id) REFERENCES vraudit.scan (site, id)
);

-- Hashing, as the site computes it (store/store_audit.c, store_leaf.c).

-- A field of a record's hash: its length in bytes as 8 bytes big-endian,
-- then its UTF-8 bytes.
CREATE FUNCTION vraudit.hash_field(t text) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN int8send(octet_length(convert_to(t, 'UTF8'))::bigint)
    || convert_to(t, 'UTF8');

CREATE FUNCTION vraudit.record_hash(prev text, seq bigint, at text,
    kind text, subject bigint, detail text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN encode(sha256(vraudit.hash_field(prev) || vraudit.hash_field(seq::text)
    || vraudit.hash_field(at) || vraudit.hash_field(kind)
    || vraudit.hash_field(subject::text) || vraudit.hash_field(detail)), 'hex');

-- A leaf's hash (RFC 6962: SHA-256 of a 0x00 byte and the leaf).
CREATE FUNCTION vraudit.leaf_hash(detail text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN encode(sha256('\x00'::bytea || convert_to(detail, 'UTF8')), 'hex');

-- The Merkle root of leaf hashes in order (RFC 6962, section 2.1): pairs
-- are hashed level by level, a last odd node going up unchanged, which
-- gives the same tree as splitting at the largest power of two.
CREATE FUNCTION vraudit.merkle_root(leaves text[]) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
	level bytea[];
	up bytea[];
	n integer;
	i integer;
BEGIN
	n := coalesce(array_length(leaves, 1), 0);
	IF n = 0 THEN
		RETURN encode(sha256(''::bytea), 'hex');
	END IF;
	SELECT array_agg(decode(h, 'hex') ORDER BY o) INTO level
	FROM unnest(leaves) WITH ORDINALITY AS u (h, o);
	WHILE n > 1 LOOP
		up := '{}';
		i := 1;
		WHILE i <= n LOOP
			IF i = n THEN
				up := up || level[i];
			ELSE
				up := up || sha256('\x01'::bytea || level[i] || level[i + 1]);
			END IF;
			i := i + 2;
		END LOOP;
		level := up;
		n := array_length(level, 1);
	END LOOP;
	RETURN encode(level[1], 'hex');
END
$$;

-- The value of the first line "key=value" of a detail, as written.
CREATE FUNCTION vraudit.detail_value(detail text, key text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (SELECT substr(l, length(key) + 2)
    FROM unnest(string_to_array(detail, E'\n')) WITH ORDINALITY AS u (l, o)
    WHERE starts_with(l, key || '=') ORDER BY o LIMIT 1);

-- A value of a record or leaf back to its text: "\\" is a backslash and
-- "\xNN" the byte NN (vraudit-schema(7), "Detail"). A NUL byte, and bytes
-- that were not UTF-8, have no text: they keep their escape.
CREATE FUNCTION vraudit.unescape(v text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
	out text := '';
	i integer := 1;
	p integer;
	n integer := length(v);
	b integer;
BEGIN
	IF strpos(v, '\') = 0 THEN
		RETURN v;
	END IF;
	WHILE i <= n LOOP
		p := strpos(substr(v, i), '\');
		IF p = 0 THEN
			RETURN out || substr(v, i);
		END IF;
		out := out || substr(v, i, p - 1);
		i := i + p - 1;
		IF substr(v, i + 1, 1) = '\' THEN
			out := out || '\';
			i := i + 2;
		ELSIF substr(v, i + 1, 1) = 'x'
		    AND substr(v, i + 2, 2) ~ '^[0-9a-fA-F]{2}$' THEN
			b := ('x' || substr(v, i + 2, 2))::bit(8)::integer;
			IF b BETWEEN 1 AND 127 THEN
				out := out || chr(b);
			ELSE
				out := out || substr(v, i, 4);
			END IF;
			i := i + 4;
		ELSE
			out := out || '\';
			i := i + 1;
		END IF;
	END LOOP;
	RETURN out;
END
$$;

-- The site a role pushes for (NULL: none). Security definer, so that the
-- row-level policies can call it whatever the caller may read.
CREATE FUNCTION vraudit.site_of(r name) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, vraudit
RETURN (SELECT name FROM vraudit.site WHERE role = r);

-- Checks on arrival.

-- A site role writes for its own site only. Row-level security says so
-- too, but it is applied after the triggers, which must not tell one
-- site about another's chain.
CREATE FUNCTION vraudit.check_writer(site text) RETURNS void
LANGUAGE plpgsql STABLE
AS $$
DECLARE
	mine text := vraudit.site_of(current_user);
BEGIN
	IF mine IS DISTINCT FROM site AND (mine IS NOT NULL
	    OR (pg_has_role(current_user, 'vraudit_site', 'MEMBER')
		AND NOT (SELECT rolsuper FROM pg_roles
		    WHERE rolname = current_user))) THEN
		RAISE EXCEPTION 'role % may not write the rows of site %',
		    current_user, site USING ERRCODE = '42501';
	END IF;
END
$$;

CREATE FUNCTION vraudit.leaf_check() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
	PERFORM vraudit.check_writer(NEW.site);
	PERFORM vraudit.accept_leaf(NEW);
	RETURN NEW;
END
$$;

CREATE FUNCTION vraudit.accept_leaf(NEW vraudit.leaf) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, vraudit
AS $$
DECLARE
	head bigint;
BEGIN
	-- Only from the trigger: called directly it would move the head.
	IF pg_trigger_depth() = 0 THEN
		RAISE EXCEPTION 'vraudit.%: for the insert trigger only',
		    'accept' USING ERRCODE = '42501';
	END IF;
	SELECT head_seq INTO head FROM vraudit.site WHERE name = NEW.site;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'site %: not registered here', NEW.site
		    USING ERRCODE = 'VA001';
	END IF;
	IF NEW.seq <= head THEN
		RAISE EXCEPTION 'site %: leaf % of record %: that record is already held (head %)',
		    NEW.site, NEW.idx, NEW.seq, head USING ERRCODE = 'VA002';
	END IF;
	IF NEW.hash IS DISTINCT FROM vraudit.leaf_hash(NEW.detail) THEN
		RAISE EXCEPTION 'site %: leaf % of record % (element %): its hash does not match its detail',
		    NEW.site, NEW.idx, NEW.seq, NEW.element USING ERRCODE = 'VA003';
	END IF;
END
$$;
CREATE TRIGGER leaf_check BEFORE INSERT ON vraudit.leaf
    FOR EACH ROW EXECUTE FUNCTION vraudit.leaf_check();

-- At commit: no leaf without the record that commits it.
CREATE FUNCTION vraudit.leaf_committed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, vraudit
AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM vraudit.record
	    WHERE site = NEW.site AND seq = NEW.seq) THEN
		RAISE EXCEPTION 'site %: leaf % of record %: no such record was sent',
		    NEW.site, NEW.idx, NEW.seq USING ERRCODE = 'VA004';
	END IF;
	RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER leaf_committed AFTER INSERT ON vraudit.leaf
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION vraudit.leaf_committed();

CREATE FUNCTION vraudit.record_check() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
	PERFORM vraudit.check_writer(NEW.site);
	PERFORM vraudit.accept_record(NEW);
	NEW.received_at := now();
	RETURN NEW;
END
$$;

CREATE FUNCTION vraudit.accept_record(NEW vraudit.record) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, vraudit
AS $$
DECLARE
	s vraudit.site%ROWTYPE;
	n bigint;
	top integer;
	hashes text[];
	want text;
BEGIN
	-- Only from the trigger: called directly it would move the head.
	IF pg_trigger_depth() = 0 THEN
		RAISE EXCEPTION 'vraudit.%: for the insert trigger only',
		    'accept' USING ERRCODE = '42501';
	END IF;
	SELECT * INTO s FROM vraudit.site WHERE name = NEW.site FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'site %: not registered here', NEW.site
		    USING ERRCODE = 'VA001';
	END IF;
	IF NEW.seq <> s.head_seq + 1 THEN
		RAISE EXCEPTION 'site %: record % does not follow the last record held, %',
		    NEW.site, NEW.seq, s.head_seq USING ERRCODE = 'VA005';
	END IF;
	IF NEW.prev_hash IS DISTINCT FROM s.head_hash THEN
		RAISE EXCEPTION 'site %: record % says the record before it has hash %, but record % held here has hash %: the site''s history was rewritten',
		    NEW.site, NEW.seq, NEW.prev_hash, s.head_seq, s.head_hash
		    USING ERRCODE = 'VA006';
	END IF;
	want := vraudit.record_hash(NEW.prev_hash, NEW.seq, NEW.at, NEW.kind,
	    NEW.subject, NEW.detail);
	IF NEW.hash IS DISTINCT FROM want THEN
		RAISE EXCEPTION 'site %: record %: its hash % does not match its fields (%)',
		    NEW.site, NEW.seq, NEW.hash, want USING ERRCODE = 'VA007';
	END IF;
	IF NEW.kind NOT IN ('scan', 'verdict', 'merge', 'batch', 'retire',
	    'return', 'waivers') THEN
		RAISE EXCEPTION 'site %: record %: unknown kind %', NEW.site,
		    NEW.seq, NEW.kind USING ERRCODE = 'VA008';
	END IF;
	SELECT count(*), max(idx), array_agg(hash ORDER BY idx)
	INTO n, top, hashes
	FROM vraudit.leaf WHERE site = NEW.site AND seq = NEW.seq;
	IF NEW.kind = 'batch' THEN
		IF vraudit.detail_value(NEW.detail, 'leaves') IS DISTINCT FROM n::text
		    OR (n > 0 AND top <> n - 1) THEN
			RAISE EXCEPTION 'site %: record %: it commits % leaves, % were sent',
			    NEW.site, NEW.seq,
			    vraudit.detail_value(NEW.detail, 'leaves'), n
			    USING ERRCODE = 'VA009';
		END IF;
		IF vraudit.detail_value(NEW.detail, 'root') IS DISTINCT FROM
		    vraudit.merkle_root(coalesce(hashes, '{}')) THEN
			RAISE EXCEPTION 'site %: record %: its leaves do not hash to the root it commits',
			    NEW.site, NEW.seq USING ERRCODE = 'VA010';
		END IF;
	ELSIF n > 0 THEN
		RAISE EXCEPTION 'site %: record % is a % record, not a batch: it has no leaves',
		    NEW.site, NEW.seq, NEW.kind USING ERRCODE = 'VA009';
	END IF;
	UPDATE vraudit.site SET head_seq = NEW.seq, head_hash = NEW.hash,
	    pushed_at = now()
	WHERE name = NEW.site;
END
$$;
CREATE TRIGGER record_check BEFORE INSERT ON vraudit.record
    FOR EACH ROW EXECUTE FUNCTION vraudit.record_check();

-- What an accepted record proves.

CREATE FUNCTION vraudit.apply_leaf(l vraudit.leaf) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, vraudit
AS $$
DECLARE
	f jsonb := '{}';
	ln text;
	p integer;
	k text;
	v text;
	c text[];
	evs text[] := '{}';
	ret text[];
BEGIN
	FOREACH ln IN ARRAY string_to_array(l.detail, E'\n') LOOP
		p := strpos(ln, '=');
		CONTINUE WHEN p = 0;
		k := left(ln, p - 1);
		v := substr(ln, p + 1);
		CASE k
		WHEN 'address', 'evidence' THEN
			evs := evs || (k || E'\n' || v);
		WHEN 'retired' THEN
			ret := string_to_array(v, E'\t');
		ELSE
			f := f || jsonb_build_object(k, vraudit.unescape(v));
		END CASE;
	END LOOP;
	DELETE FROM vraudit.element_address
	WHERE site = l.site AND element_id = l.element;
	DELETE FROM vraudit.element_evidence
	WHERE site = l.site AND element_id = l.element;
	INSERT INTO vraudit.element AS e (site, id, mgmt_ip, chassis_mac, mac,
	    sys_name, sys_descr, sys_object_id, model, serial, software, zone,
	    vendor, vendor_name, risk, confidence, conflict, first_seen,
	    last_seen, first_scan, merged_into, sources, retired_at,
	    retired_seen, retired_reason, leaf_seq)
	VALUES (l.site, l.element, nullif(f->>'mgmt_ip', ''),
	    nullif(f->>'chassis_mac', ''), nullif(f->>'mac', ''),
	    nullif(f->>'sys_name', ''), nullif(f->>'sys_descr', ''),
	    nullif(f->>'sys_object_id', ''), nullif(f->>'model', ''),
	    nullif(f->>'serial', ''), nullif(f->>'software', ''),
	    nullif(f->>'zone', ''), nullif(f->>'vendor', ''),
	    nullif(f->>'vendor_name', ''), nullif(f->>'risk', ''),
	    nullif(f->>'confidence', '')::double precision,
	    nullif(f->>'conflict', '')::integer, nullif(f->>'first_seen', ''),
	    nullif(f->>'last_seen', ''), nullif(f->>'first_scan', '')::bigint,
	    nullif(f->>'merged_into', '')::bigint, nullif(f->>'sources', ''),
	    nullif(vraudit.unescape(ret[1]), ''),
	    nullif(vraudit.unescape(ret[2]), ''),
	    nullif(vraudit.unescape(ret[3]), ''), l.seq)
	ON CONFLICT (site, id) DO UPDATE SET
	    mgmt_ip = EXCLUDED.mgmt_ip, chassis_mac = EXCLUDED.chassis_mac,
	    mac = EXCLUDED.mac, sys_name = EXCLUDED.sys_name,
	    sys_descr = EXCLUDED.sys_descr,
	    sys_object_id = EXCLUDED.sys_object_id, model = EXCLUDED.model,
	    serial = EXCLUDED.serial, software = EXCLUDED.software,
	    zone = EXCLUDED.zone, vendor = EXCLUDED.vendor,
	    vendor_name = EXCLUDED.vendor_name, risk = EXCLUDED.risk,
	    confidence = EXCLUDED.confidence, conflict = EXCLUDED.conflict,
	    first_seen = EXCLUDED.first_seen, last_seen = EXCLUDED.last_seen,
	    first_scan = EXCLUDED.first_scan,
	    merged_into = EXCLUDED.merged_into, sources = EXCLUDED.sources,
	    retired_at = EXCLUDED.retired_at,
	    retired_seen = EXCLUDED.retired_seen,
	    retired_reason = EXCLUDED.retired_reason,
	    leaf_seq = EXCLUDED.leaf_seq;
	FOREACH ln IN ARRAY evs LOOP
		k := split_part(ln, E'\n', 1);
		c := string_to_array(split_part(ln, E'\n', 2), E'\t');
		IF k = 'address' THEN
			INSERT INTO vraudit.element_address VALUES (l.site,
			    l.element, vraudit.unescape(c[1]),
			    vraudit.unescape(c[2]))
			ON CONFLICT DO NOTHING;
		ELSE
			INSERT INTO vraudit.element_evidence VALUES (l.site,
			    l.element, vraudit.unescape(c[1]),
			    vraudit.unescape(c[2]),
			    nullif(vraudit.unescape(c[3]), ''),
			    nullif(c[4], '')::double precision,
			    nullif(vraudit.unescape(c[5]), ''),
			    nullif(c[6], ''), nullif(c[7], '')::bigint);
		END IF;
	END LOOP;
END
$$;

CREATE FUNCTION vraudit.apply_scan(r vraudit.record) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, vraudit
AS $$
DECLARE
	f jsonb := '{}';
	ln text;
	p integer;
	k text;
	m text[];
	zones text[] := '{}';
BEGIN
	FOREACH ln IN ARRAY string_to_array(r.detail, E'\n') LOOP
		p := strpos(ln, '=');
		CONTINUE WHEN p = 0;
		k := left(ln, p - 1);
		IF k = 'zone' THEN
			zones := zones || substr(ln, p + 1);
		ELSIF NOT f ? k THEN
			f := f || jsonb_build_object(k,
			    vraudit.unescape(substr(ln, p + 1)));
		END IF;
	END LOOP;
	INSERT INTO vraudit.scan AS s VALUES (r.site, r.subject,
	    nullif(f->>'kind', ''), nullif(f->>'status', ''),
	    nullif(f->>'started', ''), nullif(f->>'finished', ''),
	    nullif(f->>'targets', ''), nullif(f->>'responded', '')::bigint,
	    nullif(f->>'frames', '')::bigint, nullif(f->>'note', ''), r.seq)
	ON CONFLICT (site, id) DO UPDATE SET kind = EXCLUDED.kind,
	    status = EXCLUDED.status, started_at = EXCLUDED.started_at,
	    finished_at = EXCLUDED.finished_at, targets = EXCLUDED.targets,
	    responded = EXCLUDED.responded, frames = EXCLUDED.frames,
	    detail = EXCLUDED.detail, record_seq = EXCLUDED.record_seq;
	DELETE FROM vraudit.scan_zone WHERE site = r.site AND scan_id = r.subject;
	FOREACH ln IN ARRAY zones LOOP
		m := regexp_match(ln, '^(.*): targets ([0-9]+), answered ([0-9]+), silent ([0-9]+), refused ([0-9]+), cut ([0-9]+)(, missing ([0-9]+))?$');
		CONTINUE WHEN m IS NULL;
		INSERT INTO vraudit.scan_zone VALUES (r.site, r.subject,
		    vraudit.unescape(m[1]), m[2]::bigint, m[3]::bigint,
		    m[4]::bigint, m[5]::bigint, m[6]::bigint,
		    coalesce(m[8], '0')::bigint)
		ON CONFLICT DO NOTHING;
	END LOOP;
END
$$;

CREATE FUNCTION vraudit.record_apply() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, vraudit
AS $$
DECLARE
	l vraudit.leaf;
BEGIN
	IF NEW.kind = 'batch' THEN
		FOR l IN SELECT * FROM vraudit.leaf
		    WHERE site = NEW.site AND seq = NEW.seq ORDER BY idx LOOP
			PERFORM vraudit.apply_leaf(l);
		END LOOP;
	ELSIF NEW.kind = 'scan' THEN
		PERFORM vraudit.apply_scan(NEW);
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER record_apply AFTER INSERT ON vraudit.record
    FOR EACH ROW EXECUTE FUNCTION vraudit.record_apply();

-- Append-only, whoever asks.
CREATE FUNCTION vraudit.append_only() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
	RAISE EXCEPTION '%: the chains held here are append-only', TG_TABLE_NAME
	    USING ERRCODE = 'VA011';
END
$$;
CREATE TRIGGER record_append_only BEFORE UPDATE OR DELETE ON vraudit.record
    FOR EACH ROW EXECUTE FUNCTION vraudit.append_only();
CREATE TRIGGER leaf_append_only BEFORE UPDATE OR DELETE ON vraudit.leaf
    FOR EACH ROW EXECUTE FUNCTION vraudit.append_only();
CREATE TRIGGER record_no_truncate BEFORE TRUNCATE ON vraudit.record
    FOR EACH STATEMENT EXECUTE FUNCTION vraudit.append_only();
CREATE TRIGGER leaf_no_truncate BEFORE TRUNCATE ON vraudit.leaf
    FOR EACH STATEMENT EXECUTE FUNCTION vraudit.append_only();

-- A push refused: the site says why, in a transaction of its own (the
-- refused one was rolled back). A site role may only speak of its own
-- site (row-level security on vraudit.refusal).
CREATE FUNCTION vraudit.refuse(site text, reason text) RETURNS void
LANGUAGE sql
BEGIN ATOMIC
	INSERT INTO vraudit.refusal (site, reason) VALUES ($1, left($2, 4000));
END;

-- Register a site and the role that pushes for it (the owner's job). The
-- role is created, without a password, when it does not exist.
CREATE FUNCTION vraudit.add_site(site text, r name) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, vraudit
AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
		EXECUTE format('CREATE ROLE %I LOGIN', r);
	END IF;
	EXECUTE format('GRANT vraudit_site TO %I', r);
	INSERT INTO vraudit.site (name, role) VALUES (site, r);
END
$$;
REVOKE ALL ON FUNCTION vraudit.add_site(text, name) FROM PUBLIC;

-- Row-level security: a site role sees and writes its own rows only.
ALTER TABLE vraudit.site ENABLE ROW LEVEL SECURITY;
ALTER TABLE vraudit.record ENABLE ROW LEVEL SECURITY;
ALTER TABLE vraudit.leaf ENABLE ROW LEVEL SECURITY;
ALTER TABLE vraudit.refusal ENABLE ROW LEVEL SECURITY;
ALTER TABLE vraudit.element ENABLE ROW LEVEL SECURITY;
ALTER TABLE vraudit.element_address ENABLE ROW LEVEL SECURITY;
ALTER TABLE vraudit.element_evidence ENABLE ROW LEVEL SECURITY;
ALTER TABLE vraudit.scan ENABLE ROW LEVEL SECURITY;
ALTER TABLE vraudit.scan_zone ENABLE ROW LEVEL SECURITY;

CREATE POLICY own_site ON vraudit.site FOR SELECT TO vraudit_site
    USING (name = vraudit.site_of(current_user));
CREATE POLICY own_read ON vraudit.record FOR SELECT TO vraudit_site
    USING (site = vraudit.site_of(current_user));
CREATE POLICY own_write ON vraudit.record FOR INSERT TO vraudit_site
    WITH CHECK (site = vraudit.site_of(current_user));
CREATE POLICY own_read ON vraudit.leaf FOR SELECT TO vraudit_site
    USING (site = vraudit.site_of(current_user));
CREATE POLICY own_write ON vraudit.leaf FOR INSERT TO vraudit_site
    WITH CHECK (site = vraudit.site_of(current_user));
CREATE POLICY own_read ON vraudit.refusal FOR SELECT TO vraudit_site
    USING (site = vraudit.site_of(current_user));
CREATE POLICY own_write ON vraudit.refusal FOR INSERT TO vraudit_site
    WITH CHECK (site = vraudit.site_of(current_user));
DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['site', 'record', 'leaf', 'refusal',
	    'element', 'element_address', 'element_evidence', 'scan',
	    'scan_zone'] LOOP
		EXECUTE format('CREATE POLICY auditor_read ON vraudit.%I FOR SELECT TO vraudit_auditor USING (true)', t);
	END LOOP;
END
$$;

-- Public views (vraudit-schema(7), "Central database"), with a site column.

-- inventory: each element's state as its site's chain last proved it;
-- elements merged into another are left out, as in the site's file.
CREATE VIEW vraudit.inventory WITH (security_invoker = true) AS
SELECT site, id AS element_id, mgmt_ip, mac, sys_name, sys_descr,
    sys_object_id, vendor, vendor_name, risk, confidence, conflict,
    coalesce(zone, 'unassigned') AS zone, model, serial, software,
    first_seen, last_seen, sources, retired_at, retired_reason
FROM vraudit.element
WHERE merged_into IS NULL;

-- evidence: each piece of evidence, observed_at the day of its last
-- observation (what the chain keeps).
CREATE VIEW vraudit.evidence WITH (security_invoker = true) AS
SELECT site, element_id, kind, value, vendor, strength, rule,
    last_observed AS observed_at, scan_id
FROM vraudit.element_evidence;

-- scans: the ended scans of each site.
CREATE VIEW vraudit.scans WITH (security_invoker = true) AS
SELECT site, id AS scan_id, kind, started_at, finished_at, status, targets,
    responded, frames, detail
FROM vraudit.scan;

-- scan_zones: what each scan observed per zone.
CREATE VIEW vraudit.scan_zones WITH (security_invoker = true) AS
SELECT site, scan_id, zone, targets, answered, silent, refused, cut, missing
FROM vraudit.scan_zone;

-- audit_log: every site's chain.
CREATE VIEW vraudit.audit_log WITH (security_invoker = true) AS
SELECT site, seq, at, kind, subject, detail, prev_hash, hash, received_at
FROM vraudit.record;

-- sites: each site, the head held for it, and its refusals.
CREATE VIEW vraudit.sites WITH (security_invoker = true) AS
SELECT s.name AS site, s.role, s.added_at, s.head_seq, s.head_hash,
    s.pushed_at,
    (SELECT count(*) FROM vraudit.refusal r WHERE r.site = s.name) AS refusals
FROM vraudit.site s;

GRANT USAGE ON SCHEMA vraudit TO vraudit_site, vraudit_auditor;
GRANT SELECT ON vraudit.site, vraudit.record, vraudit.leaf, vraudit.refusal
    TO vraudit_site;
GRANT INSERT ON vraudit.record, vraudit.leaf TO vraudit_site;
GRANT SELECT ON ALL TABLES IN SCHEMA vraudit TO vraudit_auditor;
GRANT SELECT ON vraudit.meta TO vraudit_site;
GRANT INSERT ON vraudit.refusal TO vraudit_site;
GRANT USAGE ON SEQUENCE vraudit.refusal_id_seq TO vraudit_site;
REVOKE ALL ON FUNCTION vraudit.refuse(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION vraudit.refuse(text, text) TO vraudit_site;
REVOKE ALL ON FUNCTION vraudit.accept_leaf(vraudit.leaf),
    vraudit.accept_record(vraudit.record), vraudit.apply_leaf(vraudit.leaf),
    vraudit.apply_scan(vraudit.record) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION vraudit.accept_leaf(vraudit.leaf),
    vraudit.accept_record(vraudit.record) TO vraudit_site;

