-- vraudit schema, version 8: retirement without reading every element.
--
-- At the end of every complete scan, retirement looks for the newest
-- observation a complete scan of its kind recorded, then for the elements
-- last seen by a scan of that kind before the cut. Both read every
-- element row when element_last_scan holds the scan alone; with each
-- scan's elements ordered by last_seen in it, the first is a probe per
-- scan and the second reads only the elements it retires. The index
-- keeps its name: whatever used it for the scan still can.

DROP INDEX element_last_scan;
CREATE INDEX element_last_scan ON element (last_scan, last_seen);
