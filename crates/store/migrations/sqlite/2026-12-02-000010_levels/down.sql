DROP TRIGGER register_counts_au;
