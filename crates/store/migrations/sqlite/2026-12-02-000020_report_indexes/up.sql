-- Reports from aggregates over the period (issue 14): the date and kind a report counts by,
-- kept inside each row's JSON, exposed as generated columns (derived by the database, so no
-- writer can set them wrong) and indexed, so the annual report reads only its period's rows
-- (crates/store/src/report.rs).
ALTER TABLE item_events ADD COLUMN ev_on TEXT GENERATED ALWAYS AS (json_extract(data, '$.on')) VIRTUAL;
ALTER TABLE item_events ADD COLUMN ev_kind TEXT GENERATED ALWAYS AS (json_extract(data, '$.kind')) VIRTUAL;
CREATE INDEX item_events_report ON item_events(ev_on, ev_kind, item_id);
ALTER TABLE register_entries ADD COLUMN entry_date TEXT GENERATED ALWAYS AS (json_extract(data, '$.date')) VIRTUAL;
ALTER TABLE register_entries ADD COLUMN live INTEGER GENERATED ALWAYS AS (ifnull(json_type(data, '$.cancelled'), 'null') = 'null') VIRTUAL;
CREATE INDEX register_report ON register_entries(entry_date, kind, level, live, to_user);
ALTER TABLE requests ADD COLUMN approved_on TEXT GENERATED ALWAYS AS (CASE WHEN json_extract(data, '$.decision.approved') = 1 THEN json_extract(data, '$.decision.on') END) VIRTUAL;
CREATE INDEX requests_report ON requests(kind, approved_on, level);
