DROP INDEX register_entries_book;
CREATE INDEX register_entries_book ON register_entries(kind, year, level, number);
