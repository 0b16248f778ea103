-- The level lives in one place: the item (see SQLite's). Entries whose level changes move
-- between the per-level counts of their book.
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
DROP TRIGGER register_counts_keep ON register_entries;
CREATE TRIGGER register_counts_keep AFTER INSERT OR DELETE OR UPDATE OF level ON register_entries
  FOR EACH ROW EXECUTE FUNCTION register_counts_keep();
UPDATE register_entries SET level = i.level FROM items i
  WHERE i.id = register_entries.item_id AND register_entries.level <> i.level;
UPDATE notices SET level = i.level FROM items i
  WHERE i.id = notices.item_id AND notices.level <> i.level;
UPDATE attachments SET level = i.level FROM items i
  WHERE i.id = attachments.item_id AND attachments.level <> i.level;
UPDATE requests SET level = m.level
  FROM (SELECT r.id, max(i.level) AS level FROM requests r JOIN items i
          ON r.item_ids LIKE '%,' || i.id || ',%' GROUP BY r.id) m
  WHERE m.id = requests.id AND requests.level <> m.level;
