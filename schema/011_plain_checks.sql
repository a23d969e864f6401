-- vraudit schema, version 11: the same checks, written so that SQLite
-- tests them without a temporary index.
--
-- element.risk and element_address.kind were checked with IN lists of
-- more than two values; SQLite builds a temporary index of such a list
-- every time it inserts or updates a row, which was a sixth of what
-- writing a new element cost. They are now the same comparisons joined
-- by OR: exactly the same rows pass. A check does not change what the
-- rows hold on disk, so the two table definitions are rewritten in
-- place, by SQLite's procedure for such changes ("ALTER TABLE", "Making
-- Other Kinds Of Table Schema Changes"), instead of copying every row.
-- RESET reads the schema again on this connection; the schema cookie
-- the migrating writer moves on makes every other one read it again.

PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql,
	'CHECK (risk IN (''high'', ''watch'', ''none'', ''unknown''))',
	'CHECK (risk = ''high'' OR risk = ''watch'' OR risk = ''none''
			    OR risk = ''unknown'')')
WHERE type = 'table' AND name = 'element';
UPDATE sqlite_schema SET sql = replace(sql,
	'CHECK (kind IN (''mac'', ''ipv4'', ''ipv6''))',
	'CHECK (kind = ''mac'' OR kind = ''ipv4'' OR kind = ''ipv6'')')
WHERE type = 'table' AND name = 'element_address';
PRAGMA writable_schema = RESET;
