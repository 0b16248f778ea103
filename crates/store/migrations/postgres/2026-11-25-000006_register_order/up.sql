-- Register pages read a year's book in number order; this index serves that order and the
-- clearance (level) and recipient (to_user) filters without touching the table rows.
DROP INDEX register_entries_book;
CREATE INDEX register_entries_book ON register_entries(kind, year, number, level, to_user);
