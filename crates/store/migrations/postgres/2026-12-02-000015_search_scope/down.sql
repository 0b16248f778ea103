CREATE OR REPLACE FUNCTION items_search_tsv(search TEXT, unit_id BIGINT, holder_id BIGINT, drafter_id BIGINT)
  RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
  SELECT setweight(to_tsvector('simple', search), 'A')
    || setweight(to_tsvector('simple', concat('u', unit_id, ' h', holder_id, ' d', drafter_id)), 'D')
$$;
UPDATE items_search s
  SET tsv = items_search_tsv(i.search, i.unit_id, i.holder_id, i.drafter_id)
  FROM items i WHERE i.id = s.id;
ANALYZE items_search;
