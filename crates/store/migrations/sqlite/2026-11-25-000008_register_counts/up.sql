-- Entries per book and level, kept by triggers in the same transaction as the entries, so a
-- register page's total (entries of levels the reader may see) costs a few rows instead of a
-- scan of the year's book on every page. Derived data: `bmnn doctor`-style checks and the
-- store tests compare it with count(*).
CREATE TABLE register_counts (
  kind TEXT NOT NULL,
  year INTEGER NOT NULL,
  level SMALLINT NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (kind, year, level)
);
INSERT INTO register_counts (kind, year, level, n)
  SELECT kind, year, level, count(*) FROM register_entries GROUP BY kind, year, level;
CREATE TRIGGER register_counts_ai AFTER INSERT ON register_entries BEGIN
  INSERT INTO register_counts (kind, year, level, n) VALUES (new.kind, new.year, new.level, 1)
    ON CONFLICT (kind, year, level) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER register_counts_ad AFTER DELETE ON register_entries BEGIN
  UPDATE register_counts SET n = n - 1
    WHERE kind = old.kind AND year = old.year AND level = old.level;
END;
