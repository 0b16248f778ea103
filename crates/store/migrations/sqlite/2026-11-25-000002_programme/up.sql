CREATE TABLE programme_records (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  date TEXT NOT NULL,
  unit_id BIGINT,
  data TEXT NOT NULL
);
CREATE INDEX programme_records_kind_date ON programme_records(kind, date);
