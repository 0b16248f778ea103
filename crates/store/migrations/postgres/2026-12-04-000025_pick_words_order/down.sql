DROP INDEX pick_words_order;
ALTER TABLE pick_words DROP COLUMN pick, DROP COLUMN rank;
