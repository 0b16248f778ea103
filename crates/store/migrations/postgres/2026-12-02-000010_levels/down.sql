DROP TRIGGER register_counts_keep ON register_entries;
CREATE TRIGGER register_counts_keep AFTER INSERT OR DELETE ON register_entries
  FOR EACH ROW EXECUTE FUNCTION register_counts_keep();
