-- vraudit schema, version 2: what passive capture last reported of a MAC.
--
-- A capture tells the store only what is new about a MAC: the MAC itself,
-- a new IPv4 address, changed LLDP, CDP or DHCP content, or a periodic
-- last-seen update. These columns keep, for a MAC address, a digest of
-- the content it last reported in each protocol (NULL when none), so that
-- the next ingest or a restarted daemon starts from what the store already
-- holds and does not report every known MAC again.
ALTER TABLE element_address ADD COLUMN content_lldp INTEGER;
ALTER TABLE element_address ADD COLUMN content_cdp INTEGER;
ALTER TABLE element_address ADD COLUMN content_dhcp INTEGER;
