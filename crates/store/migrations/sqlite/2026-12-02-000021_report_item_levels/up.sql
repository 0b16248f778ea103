-- The report's event aggregate (crates/store/src/report.rs) takes each event's item's current
-- level and scope columns. Items are wide rows (search text, JSON), every page decrypted by
-- SQLCipher; this covering index answers the join from small index pages instead.
CREATE INDEX items_level_scope ON items(id, level, unit_id, holder_id, drafter_id);
