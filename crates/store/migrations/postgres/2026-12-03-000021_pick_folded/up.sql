-- Pickers at 10,000 users and 1,000 units (issue 15): the folded label of each user
-- ("full name (username)") and unit (its name) in `pick`, the order a picker lists them in, and
-- each word of it in `pick_words` (kind 1 = user, 2 = unit), whose primary key answers "a word
-- beginning with these letters" as a range (`word >= 'ng' AND word < 'ng' || U+10FFFF`).
-- Collation "C" (byte order, as Rust's and SQLite's): the range is exact and the order of
-- `pick` is the one SQLite gives. A b-tree range on the words table was chosen over pg_trgm on
-- `pick`: the same index and query on both databases, and a trigram index cannot answer a
-- one- or two-letter prefix (what a search-as-you-type box sends first) without a scan.
-- `users.pick_rank`: -1 inactive, 0 active without clearance, else the clearance's rank, so
-- that "may receive a level" is `pick_rank >= rank`. Folding is Rust's (`core/text.rs`), which
-- SQL cannot reproduce: the columns start NULL (-1) and the store fills them (new rows, and
-- existing or imported rows at open and after an import: `DbTx::fill_picks`).
ALTER TABLE users ADD COLUMN pick TEXT COLLATE "C", ADD COLUMN pick_rank SMALLINT NOT NULL DEFAULT -1;
ALTER TABLE units ADD COLUMN pick TEXT COLLATE "C";
CREATE TABLE pick_words (
  kind SMALLINT NOT NULL,
  word TEXT COLLATE "C" NOT NULL,
  id BIGINT NOT NULL,
  PRIMARY KEY (kind, word, id)
);
CREATE INDEX pick_words_owner ON pick_words (kind, id);
CREATE INDEX users_pick ON users (pick);
CREATE INDEX units_pick ON units (pick);
