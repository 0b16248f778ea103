-- The annual report's event aggregate (issue 14, crates/store/src/report.rs) joins each of the
-- period's item events to its item for the item's current level and scope. Looked up by id in
-- the table, every event reads a page of wide item rows (JSON, search text): at 100,000 items
-- on SQLite ~48,000 page reads, each one decrypted by SQLCipher, for 50,000 events. This narrow
-- copy of the columns the join reads (a few hundred pages) answers it alone; SQLite's planner,
-- which prefers the rowid, is told to use it (`INDEXED BY items_scope`).
CREATE INDEX items_scope ON items(id, level, unit_id, holder_id, drafter_id);
