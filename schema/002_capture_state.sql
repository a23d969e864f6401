-- vraudit schema, version 2: what passive capture last reported of a MAC.
--
-- A capture tells the store only what is new about a MAC: the MAC itself,
-- a new IPv4 address, changed LLDP/CDP/DHCP content, or a periodic
-- last-seen update. content_digest keeps a digest of the protocol content
-- it last reported for the MAC (NULL when none), so that the next ingest
-- or a restarted daemon starts from what the store already holds and does
-- not report every known MAC again.
ALTER TABLE element_address ADD COLUMN content_digest INTEGER;
