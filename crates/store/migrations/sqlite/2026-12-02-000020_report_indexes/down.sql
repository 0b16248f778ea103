DROP INDEX requests_report;
ALTER TABLE requests DROP COLUMN approved_on;
DROP INDEX register_report;
ALTER TABLE register_entries DROP COLUMN live;
ALTER TABLE register_entries DROP COLUMN entry_date;
DROP INDEX item_events_report;
ALTER TABLE item_events DROP COLUMN ev_kind;
ALTER TABLE item_events DROP COLUMN ev_on;
