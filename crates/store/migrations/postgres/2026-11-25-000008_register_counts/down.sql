DROP TRIGGER register_counts_keep ON register_entries;
DROP FUNCTION register_counts_keep();
DROP TABLE register_counts;
