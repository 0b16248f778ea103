DROP INDEX units_pick;
DROP INDEX users_pick;
DROP TABLE pick_words;
ALTER TABLE units DROP COLUMN pick;
ALTER TABLE users DROP COLUMN pick_rank, DROP COLUMN pick;
