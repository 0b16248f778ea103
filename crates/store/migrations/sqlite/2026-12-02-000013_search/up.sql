-- Search inside the caller's scope only (issue 10, "no oracles"): one full-text table per level,
-- and a search reads only the tables of the levels the reader is cleared for. With one index
-- for all levels, words that occur only in hidden items were walked and filtered out after
-- the index (same answer, ten times the time: a timing oracle); now such words are absent from
-- every table the reader's search opens.
--
-- The tables are contentless (content=''): besides the folded search text (`search`, folded in
-- Rust: no diacritics, đ → d) each row carries need-to-know tokens (`scope`: "u<unit> h<holder>
-- d<drafter>"), so a reader who is not agency-wide filters inside the index too
-- (`search : (…) AND scope : ("u3" OR "h7" OR "d7")`). Prefix indexes of 1-3 letters as in
-- 000007. The triggers move a row to its new level's table (and refresh its scope tokens) in
-- the statement that changes the item, so in the same transaction. A contentless table's
-- 'delete' needs the values indexed: the triggers recompute them from the old row.
DROP TRIGGER items_fts_ai;
DROP TRIGGER items_fts_ad;
DROP TRIGGER items_fts_au;
DROP TABLE items_fts;
CREATE VIRTUAL TABLE items_fts_1 USING fts5(search, scope, content='', tokenize='unicode61', prefix='1 2 3');
CREATE VIRTUAL TABLE items_fts_2 USING fts5(search, scope, content='', tokenize='unicode61', prefix='1 2 3');
CREATE VIRTUAL TABLE items_fts_3 USING fts5(search, scope, content='', tokenize='unicode61', prefix='1 2 3');
INSERT INTO items_fts_1(rowid, search, scope) SELECT id, search, 'u' || ifnull(items.unit_id, '') || ' h' || ifnull(items.holder_id, '') || ' d' || ifnull(items.drafter_id, '') FROM items WHERE level = 1;
INSERT INTO items_fts_2(rowid, search, scope) SELECT id, search, 'u' || ifnull(items.unit_id, '') || ' h' || ifnull(items.holder_id, '') || ' d' || ifnull(items.drafter_id, '') FROM items WHERE level = 2;
INSERT INTO items_fts_3(rowid, search, scope) SELECT id, search, 'u' || ifnull(items.unit_id, '') || ' h' || ifnull(items.holder_id, '') || ' d' || ifnull(items.drafter_id, '') FROM items WHERE level = 3;
CREATE TRIGGER items_fts_ai AFTER INSERT ON items BEGIN
  INSERT INTO items_fts_1(rowid, search, scope) SELECT new.id, new.search, 'u' || ifnull(new.unit_id, '') || ' h' || ifnull(new.holder_id, '') || ' d' || ifnull(new.drafter_id, '') WHERE new.level = 1;
  INSERT INTO items_fts_2(rowid, search, scope) SELECT new.id, new.search, 'u' || ifnull(new.unit_id, '') || ' h' || ifnull(new.holder_id, '') || ' d' || ifnull(new.drafter_id, '') WHERE new.level = 2;
  INSERT INTO items_fts_3(rowid, search, scope) SELECT new.id, new.search, 'u' || ifnull(new.unit_id, '') || ' h' || ifnull(new.holder_id, '') || ' d' || ifnull(new.drafter_id, '') WHERE new.level = 3;
END;
CREATE TRIGGER items_fts_ad AFTER DELETE ON items BEGIN
  INSERT INTO items_fts_1(items_fts_1, rowid, search, scope) SELECT 'delete', old.id, old.search, 'u' || ifnull(old.unit_id, '') || ' h' || ifnull(old.holder_id, '') || ' d' || ifnull(old.drafter_id, '') WHERE old.level = 1;
  INSERT INTO items_fts_2(items_fts_2, rowid, search, scope) SELECT 'delete', old.id, old.search, 'u' || ifnull(old.unit_id, '') || ' h' || ifnull(old.holder_id, '') || ' d' || ifnull(old.drafter_id, '') WHERE old.level = 2;
  INSERT INTO items_fts_3(items_fts_3, rowid, search, scope) SELECT 'delete', old.id, old.search, 'u' || ifnull(old.unit_id, '') || ' h' || ifnull(old.holder_id, '') || ' d' || ifnull(old.drafter_id, '') WHERE old.level = 3;
END;
CREATE TRIGGER items_fts_au AFTER UPDATE OF search, level, unit_id, holder_id, drafter_id ON items
WHEN old.search IS NOT new.search OR old.level IS NOT new.level OR old.unit_id IS NOT new.unit_id
  OR old.holder_id IS NOT new.holder_id OR old.drafter_id IS NOT new.drafter_id BEGIN
  INSERT INTO items_fts_1(items_fts_1, rowid, search, scope) SELECT 'delete', old.id, old.search, 'u' || ifnull(old.unit_id, '') || ' h' || ifnull(old.holder_id, '') || ' d' || ifnull(old.drafter_id, '') WHERE old.level = 1;
  INSERT INTO items_fts_2(items_fts_2, rowid, search, scope) SELECT 'delete', old.id, old.search, 'u' || ifnull(old.unit_id, '') || ' h' || ifnull(old.holder_id, '') || ' d' || ifnull(old.drafter_id, '') WHERE old.level = 2;
  INSERT INTO items_fts_3(items_fts_3, rowid, search, scope) SELECT 'delete', old.id, old.search, 'u' || ifnull(old.unit_id, '') || ' h' || ifnull(old.holder_id, '') || ' d' || ifnull(old.drafter_id, '') WHERE old.level = 3;
  INSERT INTO items_fts_1(rowid, search, scope) SELECT new.id, new.search, 'u' || ifnull(new.unit_id, '') || ' h' || ifnull(new.holder_id, '') || ' d' || ifnull(new.drafter_id, '') WHERE new.level = 1;
  INSERT INTO items_fts_2(rowid, search, scope) SELECT new.id, new.search, 'u' || ifnull(new.unit_id, '') || ' h' || ifnull(new.holder_id, '') || ' d' || ifnull(new.drafter_id, '') WHERE new.level = 2;
  INSERT INTO items_fts_3(rowid, search, scope) SELECT new.id, new.search, 'u' || ifnull(new.unit_id, '') || ' h' || ifnull(new.holder_id, '') || ' d' || ifnull(new.drafter_id, '') WHERE new.level = 3;
END;
