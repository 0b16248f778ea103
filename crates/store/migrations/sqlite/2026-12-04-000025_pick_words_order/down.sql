DROP INDEX pick_words_order;
ALTER TABLE pick_words DROP COLUMN pick;
ALTER TABLE pick_words DROP COLUMN rank;
