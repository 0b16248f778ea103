CREATE INDEX register_report ON register_entries(entry_date, kind, level, live, to_user);
DROP INDEX register_report_kind;
CREATE INDEX item_events_report ON item_events(ev_on, ev_kind, item_id);
DROP INDEX item_events_report_kind;
