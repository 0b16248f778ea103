-- Need-to-know inside the words (see SQLite's 000015): besides the text's words (weight A) and
-- the need-to-know tokens (weight D), each row of `items_search` now carries every word of the
-- item's folded text qualified by each need-to-know key of the item, with weight B:
-- `u<unit>z<word> h<holder>z<word> d<drafter>z<word>` (no term for an empty key; the keys are
-- digits, so `z` ends them unambiguously). A reader who is not agency-wide asks, for each
-- word, `(u3zw:B | h7zw:B | d7zw:B)`, so the GIN lookups only find items of the reader's
-- need-to-know: a word that occurs only in other units' items is as absent as a word that
-- occurs nowhere. The lexemes are built with array_to_tsvector (verbatim), and a query term
-- such as `u3zbao` is one token for the 'simple' parser, so both sides agree. Same function
-- name and arguments, so the trigger of 000013 keeps the terms in step with `items`.
CREATE OR REPLACE FUNCTION items_search_tsv(search TEXT, unit_id BIGINT, holder_id BIGINT, drafter_id BIGINT)
  RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
  SELECT setweight(to_tsvector('simple', search), 'A')
    || setweight(to_tsvector('simple', concat('u', unit_id, ' h', holder_id, ' d', drafter_id)), 'D')
    || setweight(array_to_tsvector(ARRAY(
         SELECT DISTINCT k || w
         FROM regexp_split_to_table(coalesce(search, ''), ' ') AS w,
              unnest(ARRAY['u' || unit_id || 'z', 'h' || holder_id || 'z', 'd' || drafter_id || 'z']) AS k
         WHERE w <> '' AND k IS NOT NULL)), 'B')
$$;
UPDATE items_search s
  SET tsv = items_search_tsv(i.search, i.unit_id, i.holder_id, i.drafter_id)
  FROM items i WHERE i.id = s.id;
ANALYZE items_search;
