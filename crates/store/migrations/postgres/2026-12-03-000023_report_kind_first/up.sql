-- The annual report's aggregates (issue 14, crates/store/src/report.rs) count the period's
-- item events by kind and the period's live register entries by book. Dated first (indexes of
-- migration 000020), the period's rows come in date order and are sorted by kind or book (at
-- 100,000 items and 200,000 entries on SQLite, temporary B-trees of 50,000 and 100,000 rows).
-- Keyed by kind or book first, each query asks for each kind's date range (`kind IN (…)`, the
-- closed lists of the kinds a report counts) and reads them in kind order: no sort, and only
-- the period's rows of those kinds. The date-first indexes served only these queries and are
-- replaced.
CREATE INDEX item_events_report_kind ON item_events(ev_kind, ev_on, item_id);
DROP INDEX item_events_report;
CREATE INDEX register_report_kind ON register_entries(kind, entry_date, level, live, to_user);
DROP INDEX register_report;
