DROP INDEX items_search_fts;
