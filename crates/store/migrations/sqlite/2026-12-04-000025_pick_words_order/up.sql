-- Pickers: each word row carries its owner's folded label and, for users, who may be offered
-- (see the migration of the same name for PostgreSQL, where it was measured). Same columns,
-- index and query on both backends.
ALTER TABLE pick_words ADD COLUMN pick TEXT NOT NULL DEFAULT '';
ALTER TABLE pick_words ADD COLUMN rank SMALLINT NOT NULL DEFAULT -1;
UPDATE pick_words SET pick = u.pick, rank = u.pick_rank
  FROM users u WHERE pick_words.kind = 1 AND u.id = pick_words.id AND u.pick IS NOT NULL;
UPDATE pick_words SET pick = n.pick, rank = 0
  FROM units n WHERE pick_words.kind = 2 AND n.id = pick_words.id AND n.pick IS NOT NULL;
CREATE INDEX pick_words_order ON pick_words (kind, word, rank, pick, id);
