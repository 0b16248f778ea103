DROP TRIGGER items_fts_au; DROP TRIGGER items_fts_ad; DROP TRIGGER items_fts_ai; DROP TABLE items_fts;
