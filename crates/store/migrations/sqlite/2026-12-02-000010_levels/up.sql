-- The level lives in one place: the item. Register entries, notices, attachments and requests
-- keep a copy of their item's level (a filter column); the store rewrites the copies in the
-- same transaction as the item (`DbTx::update_item`), so they are never stale. Entries whose
-- level changes move between the per-level counts of their book.
CREATE TRIGGER register_counts_au AFTER UPDATE OF level ON register_entries
WHEN old.level <> new.level BEGIN
  UPDATE register_counts SET n = n - 1
    WHERE kind = old.kind AND year = old.year AND level = old.level;
  INSERT INTO register_counts (kind, year, level, n) VALUES (new.kind, new.year, new.level, 1)
    ON CONFLICT (kind, year, level) DO UPDATE SET n = n + 1;
END;
-- Copies made stale before this release (a level adjusted after the row was written) take
-- the item's current level. A request covering several items takes the highest.
UPDATE register_entries SET level = (SELECT i.level FROM items i WHERE i.id = register_entries.item_id)
  WHERE item_id IS NOT NULL
    AND level <> (SELECT i.level FROM items i WHERE i.id = register_entries.item_id);
UPDATE notices SET level = (SELECT i.level FROM items i WHERE i.id = notices.item_id)
  WHERE level <> (SELECT i.level FROM items i WHERE i.id = notices.item_id);
UPDATE attachments SET level = (SELECT i.level FROM items i WHERE i.id = attachments.item_id)
  WHERE level <> (SELECT i.level FROM items i WHERE i.id = attachments.item_id);
UPDATE requests SET level = (SELECT max(i.level) FROM items i WHERE requests.item_ids LIKE '%,' || i.id || ',%')
  WHERE level <> (SELECT max(i.level) FROM items i WHERE requests.item_ids LIKE '%,' || i.id || ',%');
