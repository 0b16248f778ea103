-- Full-text index over the folded search text of items (FTS5, token prefix queries), kept in
-- step with `items` by triggers. `search` is folded in Rust (no diacritics, đ → d).
CREATE VIRTUAL TABLE items_fts USING fts5(search, content='items', content_rowid='id', tokenize='unicode61');
INSERT INTO items_fts(rowid, search) SELECT id, search FROM items;
CREATE TRIGGER items_fts_ai AFTER INSERT ON items BEGIN
  INSERT INTO items_fts(rowid, search) VALUES (new.id, new.search);
END;
CREATE TRIGGER items_fts_ad AFTER DELETE ON items BEGIN
  INSERT INTO items_fts(items_fts, rowid, search) VALUES ('delete', old.id, old.search);
END;
CREATE TRIGGER items_fts_au AFTER UPDATE OF search ON items BEGIN
  INSERT INTO items_fts(items_fts, rowid, search) VALUES ('delete', old.id, old.search);
  INSERT INTO items_fts(rowid, search) VALUES (new.id, new.search);
END;
