-- vraudit schema, version 9: the rules in force checked without reading
-- every element.
--
-- Before its first write, every ingest, scan and daemon start looks for
-- the live elements whose verdict was made under other rules (another
-- rules_digest) to make them again. With the live elements ordered by
-- their digest, that none is is told by three probes of this index (none
-- without a digest, none below the digest in force, none above it)
-- instead of a read of every element row.

CREATE INDEX element_rules ON element (rules_digest) WHERE merged_into IS NULL;
