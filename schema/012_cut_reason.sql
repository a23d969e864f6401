-- vraudit schema, version 12: the coverage view says why walks were cut
-- short without naming only max-rows.
--
-- scan_zone.cut now also counts targets that answered and then stopped
-- answering, lost a request or failed before their walks ended: their
-- tables were not read either. The view's partial reason said "walks cut
-- short by max-rows", which is untrue for those; it now names both
-- causes, and the scan's notes (scans.detail) say which target had which.
-- Only the text of the reason changes, so the view's definition is
-- rewritten in place as in version 11.

PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql,
	'printf('' %d walks cut short by max-rows'',',
	'printf('' %d walks cut short (max-rows, or the agent stopped answering)'',')
WHERE type = 'view' AND name = 'coverage';
PRAGMA writable_schema = RESET;
