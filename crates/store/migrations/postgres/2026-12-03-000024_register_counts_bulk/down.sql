CREATE OR REPLACE FUNCTION register_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
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
