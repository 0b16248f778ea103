-- Search inside the caller's scope only (see SQLite's 000013), through an index, with the
-- same folding and prefix matching as SQLite's FTS5: `items.search` is already folded in Rust
-- (no diacritics, đ → d, letters and digits separated by single spaces), so the 'simple'
-- configuration (no dictionary, no stemming, no unaccent extension) sees exactly FTS5's tokens,
-- and `w:*` is FTS5's `"w"*` (a token prefix). Chosen over pg_trgm, which matches inside words
-- (another answer than SQLite's) and whose index cannot answer the one- and two-letter
-- prefixes a user types first; measurements in docs/benchmarks.md.
--
-- The tsvectors live in a table partitioned by level, one partition per level, each with its
-- own GIN index and its own statistics: a search names only the levels the reader is cleared
-- for, so the planner prunes the other partitions, never reads their index, and plans from
-- the statistics of the visible levels alone (words that occur only in hidden items are then
-- as absent as words that occur nowhere, for the index and for the plan). The text's words
-- carry weight A; need-to-know tokens ("u<unit> h<holder> d<drafter>") weight D, so a reader
-- who is not agency-wide is filtered inside the index too (`w:A & (u3:D | h7:D | d7:D)`), as
-- on SQLite. The GIN indexes are built after the backfill and without a pending list
-- (fastupdate off): a search never scans a list of unmerged insertions. The previous index
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
CREATE FUNCTION items_search_tsv(search TEXT, unit_id BIGINT, holder_id BIGINT, drafter_id BIGINT)
  RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
  SELECT setweight(to_tsvector('simple', search), 'A')
    || setweight(to_tsvector('simple', concat('u', unit_id, ' h', holder_id, ' d', drafter_id)), 'D')
$$;
INSERT INTO items_search (id, level, tsv)
  SELECT id, level, items_search_tsv(search, unit_id, holder_id, drafter_id) FROM items;
CREATE INDEX items_search_tsv ON items_search USING GIN (tsv) WITH (fastupdate = off);
CREATE FUNCTION items_search_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO items_search (id, level, tsv)
      VALUES (NEW.id, NEW.level, items_search_tsv(NEW.search, NEW.unit_id, NEW.holder_id, NEW.drafter_id));
  ELSIF TG_OP = 'UPDATE' THEN
    IF NEW.level IS DISTINCT FROM OLD.level OR NEW.search IS DISTINCT FROM OLD.search
       OR NEW.unit_id IS DISTINCT FROM OLD.unit_id OR NEW.holder_id IS DISTINCT FROM OLD.holder_id
       OR NEW.drafter_id IS DISTINCT FROM OLD.drafter_id THEN
      UPDATE items_search
        SET level = NEW.level,
            tsv = items_search_tsv(NEW.search, NEW.unit_id, NEW.holder_id, NEW.drafter_id)
        WHERE id = OLD.id AND level = OLD.level;
    END IF;
  ELSE
    DELETE FROM items_search WHERE id = OLD.id AND level = OLD.level;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER items_search_keep
  AFTER INSERT OR DELETE OR UPDATE OF level, search, unit_id, holder_id, drafter_id ON items
  FOR EACH ROW EXECUTE FUNCTION items_search_keep();
DROP INDEX items_search_fts;
ANALYZE items_search;
