DROP TRIGGER items_search_keep ON items;
DROP FUNCTION items_search_keep();
DROP TABLE items_search;
DROP FUNCTION items_search_tsv(TEXT, BIGINT, BIGINT, BIGINT);
CREATE INDEX items_search_fts ON items USING GIN (to_tsvector('simple', search));
