-- Pickers at 10,000 users on PostgreSQL (issue 15): each word row carries its owner's folded
-- label (`pick`, the order a picker lists them in) and, for users, who may be offered
-- (`rank`, as `users.pick_rank`; 0 for units). A picker then reads only this table's covering
-- index: the longest typed word's range (index only), the other words as semi-joins, sorted by
-- `pick` and limited, then at most the limit's rows of `users` or `units` by id.
-- Measured at 10,000 users, pgbench, 8 clients (session 17): "nguyen van" 10.3 -> 3.0 ms,
-- "nguyen" 43 -> 2.2 ms, "n" 3.0 ms. Before, the planner either scanned every user (hash
-- semi-join) or walked `users_pick` in label order probing each user's words, which for a
-- surname such as "nguyen" crosses half the table before its first match.
-- The store writes both columns with the user's or unit's (`DbTx::set_pick_words`); existing
-- rows take them from `users` and `units` here.
ALTER TABLE pick_words
  ADD COLUMN pick TEXT COLLATE "C" NOT NULL DEFAULT '',
  ADD COLUMN rank SMALLINT NOT NULL DEFAULT -1;
UPDATE pick_words SET pick = u.pick, rank = u.pick_rank
  FROM users u WHERE pick_words.kind = 1 AND u.id = pick_words.id AND u.pick IS NOT NULL;
UPDATE pick_words SET pick = n.pick, rank = 0
  FROM units n WHERE pick_words.kind = 2 AND n.id = pick_words.id AND n.pick IS NOT NULL;
CREATE INDEX pick_words_order ON pick_words (kind, word, rank, pick, id);
-- Statistics for the new columns now (the planner's first queries), not at autovacuum's turn.
ANALYZE pick_words;
