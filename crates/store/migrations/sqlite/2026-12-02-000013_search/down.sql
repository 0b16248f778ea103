DROP TRIGGER items_fts_ai;
DROP TRIGGER items_fts_ad;
DROP TRIGGER items_fts_au;
DROP TABLE items_fts_1;
DROP TABLE items_fts_2;
DROP TABLE items_fts_3;
CREATE VIRTUAL TABLE items_fts USING fts5(search, content='items', content_rowid='id', tokenize='unicode61', prefix='1 2 3');
INSERT INTO items_fts(items_fts) VALUES ('rebuild');
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
