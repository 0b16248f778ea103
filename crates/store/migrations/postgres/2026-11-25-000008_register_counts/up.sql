-- Entries per book and level, kept by a trigger in the same transaction as the entries, so a
-- register page's total costs a few rows instead of a scan of the year's book (see SQLite's).
CREATE TABLE register_counts (
  kind TEXT NOT NULL,
  year INTEGER NOT NULL,
  level SMALLINT NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (kind, year, level)
);
INSERT INTO register_counts (kind, year, level, n)
  SELECT kind, year, level, count(*) FROM register_entries GROUP BY kind, year, level;
CREATE FUNCTION register_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO register_counts (kind, year, level, n) VALUES (NEW.kind, NEW.year, NEW.level, 1)
      ON CONFLICT (kind, year, level) DO UPDATE SET n = register_counts.n + 1;
    RETURN NEW;
  END IF;
  UPDATE register_counts SET n = n - 1
    WHERE kind = OLD.kind AND year = OLD.year AND level = OLD.level;
  RETURN OLD;
END $$;
CREATE TRIGGER register_counts_keep AFTER INSERT OR DELETE ON register_entries
  FOR EACH ROW EXECUTE FUNCTION register_counts_keep();
