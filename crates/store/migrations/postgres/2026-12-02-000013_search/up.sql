-- Search inside the caller's scope only (see SQLite's 000013), through an index, with the
-- same folding and prefix matching as SQLite's FTS5: `items.search` is already folded in Rust
-- (no diacritics, đ → d, letters and digits separated by single spaces), so the 'simple'
-- configuration (no dictionary, no stemming, no unaccent extension) sees exactly FTS5's tokens,
-- and `w:*` is FTS5's `"w"*` (a token prefix). pg_trgm was the other candidate: it matches
-- inside words (a different answer from SQLite's), and a trigram index cannot answer the one-
-- and two-letter prefixes a user types first; see docs/benchmarks.md for the measurement.
--
-- The tsvectors live in a table partitioned by level, one partition per level, each with its
-- own GIN index and its own statistics: a search names only the levels the reader is cleared
-- for, so the planner prunes the other partitions, never reads their index, and plans from
-- the statistics of the visible levels alone (words that occur only in hidden items are then
-- as absent as words that occur nowhere, for the index and for the plan). The previous index
-- over all levels (000004) is dropped. A trigger keeps the table in step with `items`; a
-- change of level moves the row to the new level's partition in the same statement, so in
-- the same transaction.
CREATE TABLE items_search (
  id BIGINT NOT NULL,
  level SMALLINT NOT NULL,
  tsv tsvector NOT NULL,
  PRIMARY KEY (id, level)
) PARTITION BY LIST (level);
CREATE TABLE items_search_1 PARTITION OF items_search FOR VALUES IN (1);
CREATE TABLE items_search_2 PARTITION OF items_search FOR VALUES IN (2);
CREATE TABLE items_search_3 PARTITION OF items_search FOR VALUES IN (3);
CREATE INDEX items_search_tsv ON items_search USING GIN (tsv);
INSERT INTO items_search (id, level, tsv) SELECT id, level, to_tsvector('simple', search) FROM items;
CREATE FUNCTION items_search_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO items_search (id, level, tsv) VALUES (NEW.id, NEW.level, to_tsvector('simple', NEW.search));
  ELSIF TG_OP = 'UPDATE' THEN
    IF NEW.level IS DISTINCT FROM OLD.level OR NEW.search IS DISTINCT FROM OLD.search THEN
      UPDATE items_search SET level = NEW.level, tsv = to_tsvector('simple', NEW.search)
        WHERE id = OLD.id AND level = OLD.level;
    END IF;
  ELSE
    DELETE FROM items_search WHERE id = OLD.id AND level = OLD.level;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER items_search_keep AFTER INSERT OR DELETE OR UPDATE OF level, search ON items
  FOR EACH ROW EXECUTE FUNCTION items_search_keep();
DROP INDEX items_search_fts;
ANALYZE items_search;
