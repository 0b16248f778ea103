-- Full-text index over the folded search text of items ('simple' configuration: the text is
-- already folded in Rust, so no dictionary and no unaccent extension are needed).
CREATE INDEX items_search_fts ON items USING GIN (to_tsvector('simple', search));
