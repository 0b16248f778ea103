DROP TRIGGER items_search_keep ON items;
DROP FUNCTION items_search_keep();
DROP TABLE items_search;
CREATE INDEX items_search_fts ON items USING GIN (to_tsvector('simple', search));
