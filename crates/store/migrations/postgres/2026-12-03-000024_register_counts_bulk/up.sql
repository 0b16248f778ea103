-- A restore into PostgreSQL inserts every register entry in one transaction: counting each
-- entry as it comes updates the same few count rows millions of times there, and every update
-- must walk the versions the transaction left behind (quadratic: a million items did not
-- restore in an hour). The import sets `bmnn.bulk_import` for its transaction and recounts the
-- books once at the end; everywhere else the counts are kept entry by entry as before.
CREATE OR REPLACE FUNCTION register_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('bmnn.bulk_import', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.level = NEW.level THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'DELETE' OR TG_OP = 'UPDATE' THEN
    UPDATE register_counts SET n = n - 1
      WHERE kind = OLD.kind AND year = OLD.year AND level = OLD.level;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  INSERT INTO register_counts (kind, year, level, n) VALUES (NEW.kind, NEW.year, NEW.level, 1)
    ON CONFLICT (kind, year, level) DO UPDATE SET n = register_counts.n + 1;
  RETURN NEW;
END $$;
