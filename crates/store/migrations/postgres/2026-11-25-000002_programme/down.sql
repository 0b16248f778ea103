DROP TABLE programme_records;
